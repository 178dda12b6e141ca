-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`drug_era` (
  `drug_era_id` bigint,
  `person_id` bigint,
  `drug_concept_id` int,
  `drug_era_start_date` date,
  `drug_era_end_date` date,
  `drug_exposure_count` int,
  `gap_days` int
)
PARTITIONED BY (year(`drug_era_start_date`))
LOCATION 's3://your-bucket/warehouse/omop/drug_era/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
