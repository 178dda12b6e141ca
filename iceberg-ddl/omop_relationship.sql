-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`relationship` (
  `relationship_id` string,
  `relationship_name` string,
  `is_hierarchical` string,
  `defines_ancestry` string,
  `reverse_relationship_id` string,
  `relationship_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/relationship/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
