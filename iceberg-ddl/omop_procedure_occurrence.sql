-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`procedure_occurrence` (
  `procedure_occurrence_id` bigint,
  `person_id` bigint,
  `procedure_concept_id` int,
  `procedure_date` date,
  `procedure_datetime` timestamp,
  `procedure_end_date` date,
  `procedure_end_datetime` timestamp,
  `procedure_type_concept_id` int,
  `modifier_concept_id` int,
  `quantity` int,
  `provider_id` bigint,
  `visit_occurrence_id` bigint,
  `visit_detail_id` bigint,
  `procedure_source_value` string,
  `procedure_source_concept_id` int,
  `modifier_source_value` string
)
PARTITIONED BY (year(`procedure_date`))
LOCATION 's3://your-bucket/warehouse/omop/procedure_occurrence/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
