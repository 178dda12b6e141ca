-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`metadata` (
  `metadata_id` bigint,
  `metadata_concept_id` int,
  `metadata_type_concept_id` int,
  `name` string,
  `value_as_string` string,
  `value_as_concept_id` int,
  `value_as_number` double,
  `metadata_date` date,
  `metadata_datetime` timestamp
)
LOCATION 's3://your-bucket/warehouse/omop/metadata/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
