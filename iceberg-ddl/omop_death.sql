-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`death` (
  `person_id` bigint,
  `death_date` date,
  `death_datetime` timestamp,
  `death_type_concept_id` int,
  `cause_concept_id` int,
  `cause_source_value` string,
  `cause_source_concept_id` int
)
PARTITIONED BY (year(`death_date`))
LOCATION 's3://your-bucket/warehouse/omop/death/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
