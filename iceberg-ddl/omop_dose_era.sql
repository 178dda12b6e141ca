-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`dose_era` (
  `dose_era_id` bigint,
  `person_id` bigint,
  `drug_concept_id` int,
  `unit_concept_id` int,
  `dose_value` double,
  `dose_era_start_date` date,
  `dose_era_end_date` date
)
PARTITIONED BY (year(`dose_era_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/dose_era/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
