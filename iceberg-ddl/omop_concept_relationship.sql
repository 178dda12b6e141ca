-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`concept_relationship` (
  `concept_id_1` int,
  `concept_id_2` int,
  `relationship_id` string,
  `valid_start_date` date,
  `valid_end_date` date,
  `invalid_reason` string
)
LOCATION 's3://your-bucket/warehouse/omop/concept_relationship/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
