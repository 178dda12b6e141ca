-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`payer_plan_period` (
  `payer_plan_period_id` bigint,
  `person_id` bigint,
  `payer_plan_period_start_date` date,
  `payer_plan_period_end_date` date,
  `payer_concept_id` int,
  `payer_source_value` string,
  `payer_source_concept_id` int,
  `plan_concept_id` int,
  `plan_source_value` string,
  `plan_source_concept_id` int,
  `sponsor_concept_id` int,
  `sponsor_source_value` string,
  `sponsor_source_concept_id` int,
  `family_source_value` string,
  `stop_reason_concept_id` int,
  `stop_reason_source_value` string,
  `stop_reason_source_concept_id` int
)
PARTITIONED BY (year(`payer_plan_period_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/payer_plan_period/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
