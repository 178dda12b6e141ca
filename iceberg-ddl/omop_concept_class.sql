-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`concept_class` (
  `concept_class_id` string,
  `concept_class_name` string,
  `concept_class_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/concept_class/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
