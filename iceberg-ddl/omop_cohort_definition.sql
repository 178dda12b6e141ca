-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`cohort_definition` (
  `cohort_definition_id` bigint,
  `cohort_definition_name` string,
  `cohort_definition_description` string,
  `definition_type_concept_id` int,
  `cohort_definition_syntax` string,
  `subject_concept_id` int,
  `cohort_initiation_date` date
)
LOCATION 's3://your-bucket/warehouse/omop/cohort_definition/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
