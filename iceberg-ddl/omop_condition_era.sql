-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`condition_era` (
  `condition_era_id` bigint,
  `person_id` bigint,
  `condition_concept_id` int,
  `condition_era_start_date` date,
  `condition_era_end_date` date,
  `condition_occurrence_count` int
)
PARTITIONED BY (year(`condition_era_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/condition_era/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
