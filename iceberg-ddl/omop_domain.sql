-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`domain` (
  `domain_id` string,
  `domain_name` string,
  `domain_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/domain/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
