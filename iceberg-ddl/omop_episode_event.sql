-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`episode_event` (
  `episode_id` bigint,
  `event_id` bigint,
  `episode_event_field_concept_id` int
)
LOCATION 's3://your-bucket/warehouse/omop/episode_event/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
