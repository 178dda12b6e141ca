-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`observation` (
  `observation_id` bigint,
  `person_id` bigint,
  `observation_concept_id` int,
  `observation_date` date,
  `observation_datetime` timestamp,
  `observation_type_concept_id` int,
  `value_as_number` double,
  `value_as_string` string,
  `value_as_concept_id` int,
  `qualifier_concept_id` int,
  `unit_concept_id` int,
  `provider_id` bigint,
  `visit_occurrence_id` bigint,
  `visit_detail_id` bigint,
  `observation_source_value` string,
  `observation_source_concept_id` int,
  `unit_source_value` string,
  `qualifier_source_value` string,
  `value_source_value` string,
  `observation_event_id` bigint,
  `obs_event_field_concept_id` int
)
PARTITIONED BY (year(`observation_date`))
LOCATION 's3://your-bucket/warehouse/omop/observation/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
