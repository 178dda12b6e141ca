-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`drug_exposure` (
  `drug_exposure_id` bigint,
  `person_id` bigint,
  `drug_concept_id` int,
  `drug_exposure_start_date` date,
  `drug_exposure_start_datetime` timestamp,
  `drug_exposure_end_date` date,
  `drug_exposure_end_datetime` timestamp,
  `verbatim_end_date` date,
  `drug_type_concept_id` int,
  `stop_reason` string,
  `refills` int,
  `quantity` double,
  `days_supply` int,
  `sig` string,
  `route_concept_id` int,
  `lot_number` string,
  `provider_id` bigint,
  `visit_occurrence_id` bigint,
  `visit_detail_id` bigint,
  `drug_source_value` string,
  `drug_source_concept_id` int,
  `route_source_value` string,
  `dose_unit_source_value` string
)
PARTITIONED BY (year(`drug_exposure_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/drug_exposure/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
