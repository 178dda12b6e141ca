-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`note` (
  `note_id` bigint,
  `person_id` bigint,
  `note_date` date,
  `note_datetime` timestamp,
  `note_type_concept_id` int,
  `note_class_concept_id` int,
  `note_title` string,
  `note_text` string,
  `encoding_concept_id` int,
  `language_concept_id` int,
  `provider_id` bigint,
  `visit_occurrence_id` bigint,
  `visit_detail_id` bigint,
  `note_source_value` string,
  `note_event_id` bigint,
  `note_event_field_concept_id` int
)
PARTITIONED BY (year(`note_date`))
LOCATION 's3://your-bucket/warehouse/omop/note/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
