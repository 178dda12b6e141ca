#!/usr/bin/env bash
# Synthea's modules record the "Blood Glucose" vital sign as HbA1c (LOINC 4548-4, unit %):
# with Synthea's library, 300 patients' HbA1c values are all plausible percentages (none at
# config/constraints.yaml's clamp bounds 3 / 20), in FHIR and in OMOP, and the generator
# clamps none of them.
source "$(dirname "$0")/lib.sh"
SYNTHEA=${FOS_SHARED_DIR:?FOS_SHARED_DIR must point to the shared folder}/oracles/synthea/modules

if "$FOS" generate -p 300 -s 3 --reference-date 2025-01-15 --omop csv --modules "$SYNTHEA" \
  --out "$WORK/run" >"$WORK/summary.txt" 2>&1; then pass; else
  fail_check "generate with the Synthea library failed: $(tail -3 "$WORK/summary.txt")"
  finish
  exit 1
fi

python3 - "$WORK/run" <<'PY' && pass || fail_check "HbA1c values out of range"
import csv, json, sys, pathlib
run = pathlib.Path(sys.argv[1])
fhir = []
for line in open(run / "fhir" / "Observation.ndjson"):
    o = json.loads(line)
    if any(c.get("code") == "4548-4" for c in o["code"]["coding"]) and "valueQuantity" in o:
        q = o["valueQuantity"]
        assert q["unit"] == "%", q
        fhir.append(q["value"])
omop = [float(r["value_as_number"]) for r in csv.DictReader(open(run / "omop" / "measurement.csv"))
        if r["measurement_source_value"] == "4548-4"]
print(f"HbA1c: {len(fhir)} FHIR values, {len(omop)} OMOP values, "
      f"range {min(fhir, default=0)}-{max(fhir, default=0)} %")
assert len(fhir) >= 50, len(fhir)
assert sorted(fhir) == sorted(omop), "FHIR and OMOP HbA1c values differ"
bad = [v for v in fhir if not 4.0 <= v <= 12.0]
assert not bad, f"{len(bad)} implausible HbA1c values, e.g. {bad[:5]}"
PY

# fos validate constraints finds nothing out of range (the clamp would have hidden it, so the
# check above on the bounds is the real one; this one guards the whole output).
rc=0
"$FOS" -q validate constraints "$WORK/run" >"$WORK/validate.txt" || rc=$?
[[ $rc -eq 0 ]] && pass || fail_check "validate constraints: exit $rc: $(head -5 "$WORK/validate.txt")"
grep -q '4548-4' "$WORK/validate.txt" && fail_check "4548-4 listed: $(grep 4548-4 "$WORK/validate.txt" | head -3)" || pass
finish
