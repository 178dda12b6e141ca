-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`episode` (
  `episode_id` bigint,
  `person_id` bigint,
  `episode_concept_id` int,
  `episode_start_date` date,
  `episode_start_datetime` timestamp,
  `episode_end_date` date,
  `episode_end_datetime` timestamp,
  `episode_parent_id` bigint,
  `episode_number` int,
  `episode_object_concept_id` int,
  `episode_type_concept_id` int,
  `episode_source_value` string,
  `episode_source_concept_id` int
)
PARTITIONED BY (year(`episode_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/episode/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
