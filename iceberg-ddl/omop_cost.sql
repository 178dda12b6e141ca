-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not edit.
-- Replace the LOCATION bucket and prefix with the warehouse's.
CREATE TABLE `omop`.`cost` (
  `cost_id` bigint,
  `cost_event_id` bigint,
  `cost_domain_id` string,
  `cost_type_concept_id` int,
  `currency_concept_id` int,
  `total_charge` double,
  `total_cost` double,
  `total_paid` double,
  `paid_by_payer` double,
  `paid_by_patient` double,
  `paid_patient_copay` double,
  `paid_patient_coinsurance` double,
  `paid_patient_deductible` double,
  `paid_by_primary` double,
  `paid_ingredient_cost` double,
  `paid_dispensing_fee` double,
  `payer_plan_period_id` bigint,
  `amount_allowed` double,
  `revenue_code_concept_id` int,
  `revenue_code_source_value` string,
  `drg_concept_id` int,
  `drg_source_value` string
)
LOCATION 's3://your-bucket/warehouse/omop/cost/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');
