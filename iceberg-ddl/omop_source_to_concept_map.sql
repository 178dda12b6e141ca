-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`source_to_concept_map` (
  `source_code` string,
  `source_concept_id` int,
  `source_vocabulary_id` string,
  `source_code_description` string,
  `target_concept_id` int,
  `target_vocabulary_id` string,
  `valid_start_date` date,
  `valid_end_date` date,
  `invalid_reason` string
)
LOCATION 's3://your-bucket/warehouse/omop/source_to_concept_map/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
