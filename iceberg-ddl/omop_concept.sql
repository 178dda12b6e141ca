-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`concept` (
  `concept_id` int,
  `concept_name` string,
  `domain_id` string,
  `vocabulary_id` string,
  `concept_class_id` string,
  `standard_concept` string,
  `concept_code` string,
  `valid_start_date` date,
  `valid_end_date` date,
  `invalid_reason` string
)
LOCATION 's3://your-bucket/warehouse/omop/concept/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
