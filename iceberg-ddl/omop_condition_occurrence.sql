-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`condition_occurrence` (
  `condition_occurrence_id` bigint,
  `person_id` bigint,
  `condition_concept_id` int,
  `condition_start_date` date,
  `condition_start_datetime` timestamp,
  `condition_end_date` date,
  `condition_end_datetime` timestamp,
  `condition_type_concept_id` int,
  `condition_status_concept_id` int,
  `stop_reason` string,
  `provider_id` bigint,
  `visit_occurrence_id` bigint,
  `visit_detail_id` bigint,
  `condition_source_value` string,
  `condition_source_concept_id` int,
  `condition_status_source_value` string
)
PARTITIONED BY (year(`condition_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/condition_occurrence/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
