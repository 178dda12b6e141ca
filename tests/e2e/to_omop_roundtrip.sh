#!/usr/bin/env bash
# fos to-omop round trip: converting fos's own FHIR output gives the same OMOP rows as fos's
# direct OMOP output, table by table after sorting, except exactly the differences listed in
# docs/fhir2omop.md ("Deliberate differences"), which tests/e2e/to_omop_compare.py encodes.
# Also: the output passes fos_omop_conformance, and the conversion is deterministic.
source "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$FOS" generate -q -p 200 -s 3 --reference-date 2025-01-01 --out "$WORK/gen"
"$FOS" to-omop -q --input "$WORK/gen/fhir" --out "$WORK/conv" --format csv,duckdb
"$FOS" to-omop -q --input "$WORK/gen/fhir" --out "$WORK/conv2"

if python3 "$here/to_omop_compare.py" "$WORK/gen/omop" "$WORK/conv/omop"; then pass; else
  fail_check "round trip: tables differ beyond the documented differences"
fi
if diff -r "$WORK/conv/omop" "$WORK/conv2/omop" >/dev/null; then pass; else
  fail_check "two conversions of the same input differ"
fi
# Streaming per patient, holding the whole input, and one thread give the same bytes.
"$FOS" to-omop -q --input "$WORK/gen/fhir" --out "$WORK/conv3" --hold-input --threads 1
if diff -r "$WORK/conv/omop" "$WORK/conv3/omop" >/dev/null &&
  cmp -s "$WORK/conv/mapping_report.json" "$WORK/conv3/mapping_report.json"; then pass; else
  fail_check "streamed and held conversions differ"
fi
# The crosswalk follows every converted resource to its row.
crosswalk=$WORK/conv/omop/fhir_omop_crosswalk.csv
for pair in Patient,person Encounter,visit_occurrence Observation,measurement \
  Immunization,drug_exposure Organization,care_site Practitioner,provider; do
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

# Bad options and input end with exit 2 and a message naming the problem.
expect_error missing-input "no-such-folder" -- to-omop --input "$WORK/no-such-folder" --out "$WORK/x"
expect_error bad-format "expected csv, parquet or duckdb" -- to-omop --input "$WORK/gen/fhir" --out "$WORK/x" --format xml
expect_error bad-vocab "not a folder" -- to-omop --input "$WORK/gen/fhir" --out "$WORK/x" --vocab "$WORK/nope"
mkdir -p "$WORK/bad" && printf '{"resourceType":"Patient","id":"a","birthDate":"2000-01-01"}\n{oops\n' >"$WORK/bad/Patient.ndjson"
expect_error malformed "Patient.ndjson" -- to-omop --input "$WORK/bad" --out "$WORK/x"
[[ ! -e $WORK/x/omop ]] && pass || fail_check "a failed conversion left output behind"
"$FOS" to-omop -q --input "$WORK/bad" --out "$WORK/skip" --on-error skip
grep -q '"malformed_lines":1' "$WORK/skip/mapping_report.json" && pass || fail_check "skip not counted"
finish
