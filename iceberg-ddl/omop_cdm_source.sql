-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`cdm_source` (
  `cdm_source_name` string,
  `cdm_source_abbreviation` string,
  `cdm_holder` string,
  `source_description` string,
  `source_documentation_reference` string,
  `cdm_etl_reference` string,
  `source_release_date` date,
  `cdm_release_date` date,
  `cdm_version` string,
  `cdm_version_concept_id` int,
  `vocabulary_version` string
)
LOCATION 's3://your-bucket/warehouse/omop/cdm_source/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
