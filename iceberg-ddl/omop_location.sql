-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`location` (
  `location_id` bigint,
  `address_1` string,
  `address_2` string,
  `city` string,
  `state` string,
  `zip` string,
  `county` string,
  `location_source_value` string,
  `country_concept_id` int,
  `country_source_value` string,
  `latitude` double,
  `longitude` double
)
LOCATION 's3://your-bucket/warehouse/omop/location/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
