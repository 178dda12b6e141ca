-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`vocabulary` (
  `vocabulary_id` string,
  `vocabulary_name` string,
  `vocabulary_reference` string,
  `vocabulary_version` string,
  `vocabulary_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/vocabulary/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
