-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`concept_synonym` (
  `concept_id` int,
  `concept_synonym_name` string,
  `language_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/concept_synonym/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
