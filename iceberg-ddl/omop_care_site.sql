-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`care_site` (
  `care_site_id` bigint,
  `care_site_name` string,
  `place_of_service_concept_id` int,
  `location_id` bigint,
  `care_site_source_value` string,
  `place_of_service_source_value` string
)
LOCATION 's3://your-bucket/warehouse/omop/care_site/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
