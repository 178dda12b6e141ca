-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`concept_ancestor` (
  `ancestor_concept_id` int,
  `descendant_concept_id` int,
  `min_levels_of_separation` int,
  `max_levels_of_separation` int
)
LOCATION 's3://your-bucket/warehouse/omop/concept_ancestor/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
