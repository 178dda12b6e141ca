-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`device_exposure` (
  `device_exposure_id` bigint,
  `person_id` bigint,
  `device_concept_id` int,
  `device_exposure_start_date` date,
  `device_exposure_start_datetime` timestamp,
  `device_exposure_end_date` date,
  `device_exposure_end_datetime` timestamp,
  `device_type_concept_id` int,
  `unique_device_id` string,
  `production_id` string,
  `quantity` int,
  `provider_id` bigint,
  `visit_occurrence_id` bigint,
  `visit_detail_id` bigint,
  `device_source_value` string,
  `device_source_concept_id` int,
  `unit_concept_id` int,
  `unit_source_value` string,
  `unit_source_concept_id` int
)
PARTITIONED BY (year(`device_exposure_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/device_exposure/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
