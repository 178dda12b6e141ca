#!/usr/bin/env bash
# fos to-omop round trip (issue 5 acceptance): a 1,000-patient population generated with fos's
# full module set (modules/); `fos to-omop` of its FHIR gives the same OMOP rows as the direct
# OMOP output, table by table after sorting, except exactly the differences listed in
# docs/fhir2omop.md ("Deliberate differences"), which fhir2omop::compare_omop encodes
# (`--compare-with`; the list is tested in fhir2omop_test, AgreementAllows...). Also: the output
# passes fos_omop_conformance; streamed, held and one-thread conversions give the same bytes;
# the crosswalk has rows for each type; bad options and input exit 2.
source "$(dirname "$0")/lib.sh"
modules=$(cd "$(dirname "$0")/../../modules" && pwd)

"$FOS" generate -q -p 1000 -s 3 --reference-date 2025-01-01 --modules "$modules" --out "$WORK/gen"
rc=0
"$FOS" to-omop --input "$WORK/gen/fhir" --out "$WORK/conv" --format csv,duckdb \
  --reference-date 2025-01-01 --compare-with "$WORK/gen/omop" 2>"$WORK/conv.log" || rc=$?
if [[ $rc -eq 0 ]] && grep -q "compared with .*: agrees (23 tables)" "$WORK/conv.log"; then pass; else
  fail_check "round trip (exit $rc): $(grep 'compared with' "$WORK/conv.log")"
fi
# Every table is compared and holds rows on both sides where the direct output has rows.
for table in person visit_occurrence condition_occurrence drug_exposure measurement observation \
  condition_era drug_era; do
  rows=$(($(wc -l <"$WORK/conv/omop/$table.csv") - 1))
  [[ $rows -gt 0 ]] && pass || fail_check "$table: no rows converted"
done

# Streaming per patient, holding the whole input, and one thread give the same bytes.
"$FOS" to-omop -q --input "$WORK/gen/fhir" --out "$WORK/conv2" --reference-date 2025-01-01
"$FOS" to-omop -q --input "$WORK/gen/fhir" --out "$WORK/conv3" --reference-date 2025-01-01 \
  --hold-input --threads 1
if diff -r "$WORK/conv/omop" "$WORK/conv2/omop" >/dev/null; then pass; else
  fail_check "two conversions of the same input differ"
fi
if diff -r "$WORK/conv2" "$WORK/conv3" >/dev/null; then pass; else
  fail_check "streamed and held (one thread) conversions differ"
fi

# The crosswalk follows every converted resource to its row.
crosswalk=$WORK/conv/omop/fhir_omop_crosswalk.csv
for pair in Patient,person Encounter,visit_occurrence Observation,measurement \
  Condition,condition_occurrence MedicationRequest,drug_exposure Immunization,drug_exposure \
  Organization,care_site Practitioner,provider; do
  grep -q "^${pair%%,*},[^,]*,${pair##*,}," "$crosswalk" && pass || fail_check "crosswalk: no $pair row"
done
[[ -f $WORK/conv/mapping_report.json ]] && pass || fail_check "no mapping_report.json"
if [[ -n ${CONFORMANCE:-} ]]; then
  if "$CONFORMANCE" "$WORK/conv/omop.duckdb" "$SHARED_DIR" >"$WORK/conformance.log" 2>&1; then
    pass
  else
    fail_check "conformance: $(tail -5 "$WORK/conformance.log")"
  fi
fi

# A converted table that no longer matches is reported (exit 1).
sed -i '2d' "$WORK/conv2/omop/measurement.csv"
rc=0
"$FOS" to-omop --input "$WORK/gen/fhir" --out "$WORK/conv4" --reference-date 2025-01-01 \
  --compare-with "$WORK/conv2/omop" 2>"$WORK/conv4.log" || rc=$?
if [[ $rc -eq 1 ]] && grep -q "differs: measurement (0 direct rows unmatched, 1 converted" "$WORK/conv4.log"; then
  pass
else
  fail_check "a changed table is not reported (exit $rc): $(grep 'compared with' "$WORK/conv4.log")"
fi

# Bad options and input end with exit 2 and a message naming the problem.
expect_error missing-input "no-such-folder" -- to-omop --input "$WORK/no-such-folder" --out "$WORK/x"
expect_error bad-format "expected csv, parquet or duckdb" -- to-omop --input "$WORK/gen/fhir" --out "$WORK/x" --format xml
expect_error bad-vocab "not a folder" -- to-omop --input "$WORK/gen/fhir" --out "$WORK/x" --vocab "$WORK/nope"
expect_error bad-compare "compare-with" -- to-omop --input "$WORK/gen/fhir" --out "$WORK/x" --compare-with "$WORK/nope"
mkdir -p "$WORK/bad" && printf '{"resourceType":"Patient","id":"a","birthDate":"2000-01-01"}\n{oops\n' >"$WORK/bad/Patient.ndjson"
expect_error malformed "Patient.ndjson" -- to-omop --input "$WORK/bad" --out "$WORK/x"
[[ ! -e $WORK/x/omop ]] && pass || fail_check "a failed conversion left output behind"
"$FOS" to-omop -q --input "$WORK/bad" --out "$WORK/skip" --on-error skip
grep -q '"malformed_lines":1' "$WORK/skip/mapping_report.json" && pass || fail_check "skip not counted"
finish
