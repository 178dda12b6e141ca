-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`specimen` (
  `specimen_id` bigint,
  `person_id` bigint,
  `specimen_concept_id` int,
  `specimen_type_concept_id` int,
  `specimen_date` date,
  `specimen_datetime` timestamp,
  `quantity` double,
  `unit_concept_id` int,
  `anatomic_site_concept_id` int,
  `disease_status_concept_id` int,
  `specimen_source_id` string,
  `specimen_source_value` string,
  `unit_source_value` string,
  `anatomic_site_source_value` string,
  `disease_status_source_value` string
)
PARTITIONED BY (year(`specimen_date`))
LOCATION 's3://your-bucket/warehouse/omop/specimen/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
