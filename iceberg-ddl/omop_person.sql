-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`person` (
  `person_id` bigint,
  `gender_concept_id` int,
  `year_of_birth` int,
  `month_of_birth` int,
  `day_of_birth` int,
  `birth_datetime` timestamp,
  `race_concept_id` int,
  `ethnicity_concept_id` int,
  `location_id` bigint,
  `provider_id` bigint,
  `care_site_id` bigint,
  `person_source_value` string,
  `gender_source_value` string,
  `gender_source_concept_id` int,
  `race_source_value` string,
  `race_source_concept_id` int,
  `ethnicity_source_value` string,
  `ethnicity_source_concept_id` int
)
PARTITIONED BY (`year_of_birth`)
LOCATION 's3://your-bucket/warehouse/omop/person/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
