-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`drug_strength` (
  `drug_concept_id` int,
  `ingredient_concept_id` int,
  `amount_value` double,
  `amount_unit_concept_id` int,
  `numerator_value` double,
  `numerator_unit_concept_id` int,
  `denominator_value` double,
  `denominator_unit_concept_id` int,
  `box_size` int,
  `valid_start_date` date,
  `valid_end_date` date,
  `invalid_reason` string
)
LOCATION 's3://your-bucket/warehouse/omop/drug_strength/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
