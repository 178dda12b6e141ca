#!/usr/bin/env bash
# A 500-patient population checked by the oracles: every FHIR resource validates against
# the FHIR R4 JSON Schema, the OMOP CDM conforms to the 5.4 specification and the real
# vocabulary, and FHIR and OMOP describe the same patients and events.
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
run="$WORK/run"
"$FOS" generate -q -p 500 -s 11 --reference-date 2025-01-15 --omop csv,duckdb --out "$run"

check_fhir_schema "$run/fhir"

check_omop_and_cross_model "$run"

# The cross-model check must catch a lost measurement row and a dangling reference.
cp -r "$run" "$WORK/broken"
sed -i '5d' "$WORK/broken/omop/measurement.csv"
if python3 "$here/cross_model.py" "$WORK/broken" >"$WORK/broken.log" 2>&1; then
  fail_check "cross-model check missed a deleted measurement row"
else
  grep -q 'measurements FHIR' "$WORK/broken.log" && pass || fail_check "no measurement mismatch reported"
fi
cp -r "$run" "$WORK/broken2"
sed -i '1d' "$WORK/broken2/fhir/Practitioner.ndjson"
python3 "$here/cross_model.py" "$WORK/broken2" >"$WORK/broken2.log" 2>&1 && fail_check "dangling reference not caught" || pass

# Bundles: one transaction Bundle per patient, schema-valid, references resolved inside each.
"$FOS" generate -q -p 40 -s 11 --reference-date 2025-01-15 --fhir bundles --omop none --out "$WORK/bundles"
n=$(find "$WORK/bundles/fhir/bundles" -name '*.json' | wc -l)
[[ $n -eq 40 ]] && pass || fail_check "expected 40 bundles, found $n"
check_fhir_schema "$WORK/bundles/fhir/bundles"
finish
