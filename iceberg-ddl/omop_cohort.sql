-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`cohort` (
  `cohort_definition_id` bigint,
  `subject_id` bigint,
  `cohort_start_date` date,
  `cohort_end_date` date
)
LOCATION 's3://your-bucket/warehouse/omop/cohort/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
