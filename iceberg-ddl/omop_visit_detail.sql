-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`visit_detail` (
  `visit_detail_id` bigint,
  `person_id` bigint,
  `visit_detail_concept_id` int,
  `visit_detail_start_date` date,
  `visit_detail_start_datetime` timestamp,
  `visit_detail_end_date` date,
  `visit_detail_end_datetime` timestamp,
  `visit_detail_type_concept_id` int,
  `provider_id` bigint,
  `care_site_id` bigint,
  `visit_detail_source_value` string,
  `visit_detail_source_concept_id` int,
  `admitted_from_concept_id` int,
  `admitted_from_source_value` string,
  `discharged_to_source_value` string,
  `discharged_to_concept_id` int,
  `preceding_visit_detail_id` bigint,
  `parent_visit_detail_id` bigint,
  `visit_occurrence_id` bigint
)
PARTITIONED BY (year(`visit_detail_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/visit_detail/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
