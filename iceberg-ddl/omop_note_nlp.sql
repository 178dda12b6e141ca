-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`note_nlp` (
  `note_nlp_id` bigint,
  `note_id` bigint,
  `section_concept_id` int,
  `snippet` string,
  `offset` string,
  `lexical_variant` string,
  `note_nlp_concept_id` int,
  `note_nlp_source_concept_id` int,
  `nlp_system` string,
  `nlp_date` date,
  `nlp_datetime` timestamp,
  `term_exists` string,
  `term_temporal` string,
  `term_modifiers` string
)
LOCATION 's3://your-bucket/warehouse/omop/note_nlp/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
