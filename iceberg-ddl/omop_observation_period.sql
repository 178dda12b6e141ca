-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`observation_period` (
  `observation_period_id` bigint,
  `person_id` bigint,
  `observation_period_start_date` date,
  `observation_period_end_date` date,
  `period_type_concept_id` int
)
PARTITIONED BY (year(`observation_period_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/observation_period/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
