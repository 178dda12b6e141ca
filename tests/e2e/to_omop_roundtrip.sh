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
[[ -f $WORK/conv/mapping_report.json ]] && pass || fail_check "no mapping_report.json"
if [[ -n ${CONFORMANCE:-} ]]; then
  if "$CONFORMANCE" "$WORK/conv/omop.duckdb" "$SHARED_DIR" >"$WORK/conformance.log" 2>&1; then
    pass
  else
    fail_check "conformance: $(tail -5 "$WORK/conformance.log")"
  fi
fi
finish
