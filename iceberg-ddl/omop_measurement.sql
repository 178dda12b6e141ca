-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`measurement` (
  `measurement_id` bigint,
  `person_id` bigint,
  `measurement_concept_id` int,
  `measurement_date` date,
  `measurement_datetime` timestamp,
  `measurement_time` string,
  `measurement_type_concept_id` int,
  `operator_concept_id` int,
  `value_as_number` double,
  `value_as_concept_id` int,
  `unit_concept_id` int,
  `range_low` double,
  `range_high` double,
  `provider_id` bigint,
  `visit_occurrence_id` bigint,
  `visit_detail_id` bigint,
  `measurement_source_value` string,
  `measurement_source_concept_id` int,
  `unit_source_value` string,
  `unit_source_concept_id` int,
  `value_source_value` string,
  `measurement_event_id` bigint,
  `meas_event_field_concept_id` int
)
PARTITIONED BY (year(`measurement_date`))
LOCATION 's3://your-bucket/warehouse/omop/measurement/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
