-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`fact_relationship` (
  `domain_concept_id_1` int,
  `fact_id_1` bigint,
  `domain_concept_id_2` int,
  `fact_id_2` bigint,
  `relationship_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/fact_relationship/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
