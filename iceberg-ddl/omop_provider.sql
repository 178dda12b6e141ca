-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`provider` (
  `provider_id` bigint,
  `provider_name` string,
  `npi` string,
  `dea` string,
  `specialty_concept_id` int,
  `care_site_id` bigint,
  `year_of_birth` int,
  `gender_concept_id` int,
  `provider_source_value` string,
  `specialty_source_value` string,
  `specialty_source_concept_id` int,
  `gender_source_value` string,
  `gender_source_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/provider/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
