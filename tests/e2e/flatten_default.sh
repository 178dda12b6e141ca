#!/usr/bin/env bash
# The default views (views/, compiled into fos): `fos pipeline run` flattens the generated
# FHIR into flat/<view>.csv with one row per resource of each type (as the generator reports
# in run.json) and one per Observation.component; `fos flatten --view default` over the
# same FHIR gives byte-identical tables.
source "$(dirname "$0")/lib.sh"
out="$WORK/run"
# Synthea's module library, so that every resource type of the default views is generated.
modules=${FOS_SHARED_DIR:?FOS_SHARED_DIR must point to the shared folder}/oracles/synthea/modules
"$FOS" pipeline run -q -p 500 -s 11 --reference-date 2025-01-15 --omop none --modules "$modules" \
  --out "$out"
python3 - "$out" <<'PY' && pass || fail_check "flat row counts differ from the generator's"
import csv, json, pathlib, sys
out = pathlib.Path(sys.argv[1])
stages = {s["name"]: s for s in json.loads((out / "run.json").read_text())["stages"]}
generated = stages["generate"]["counts"]
flat = stages["flatten"]["counts"]
views = {"patient": "Patient", "encounter": "Encounter", "condition": "Condition",
         "observation": "Observation", "medication_request": "MedicationRequest",
         "procedure": "Procedure", "immunization": "Immunization",
         "allergy_intolerance": "AllergyIntolerance", "diagnostic_report": "DiagnosticReport",
         "practitioner": "Practitioner", "organization": "Organization"}
def rows(view):
    with (out / "flat" / f"fhir_{view}.csv").open(newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1
for view, rtype in views.items():
    expected = generated.get("fhir." + rtype, 0)
    assert expected > 0, (rtype, expected)
    assert rows(view) == expected == flat["flat.fhir_" + view], (view, rows(view), expected)
components = 0
for line in (out / "fhir" / "Observation.ndjson").open():
    components += len(json.loads(line).get("component", []))
assert components > 0
assert rows("observation_component") == components == flat["flat.fhir_observation_component"]
assert sum(generated[k] for k in generated if k.startswith("fhir.")) == flat["flat.resources"]
with (out / "flat" / "fhir_patient.csv").open(newline="") as f:
    patients = list(csv.DictReader(f))
assert all(p["id"] and p["gender"] and p["birth_date"] for p in patients)
print("flat tables:", {v: rows(v) for v in views}, "components:", components)
PY
"$FOS" flatten -q --view default --input "$out/fhir" --format csv --out "$WORK/again"
for f in "$out"/flat/*.csv; do
  cmp -s "$f" "$WORK/again/$(basename "$f")" && pass || fail_check "$(basename "$f") differs from fos flatten --view default"
done
# Worker threads change nothing: one thread and two over the same folder, byte for byte.
"$FOS" flatten -q --view default --input "$out/fhir" --format csv --threads 1 --out "$WORK/t1"
"$FOS" flatten -q --view default --input "$out/fhir" --format ndjson --threads 2 --out "$WORK/t2"
"$FOS" flatten -q --view default --input "$out/fhir" --format ndjson --threads 1 --out "$WORK/t1n"
for f in "$out"/flat/*.csv; do
  cmp -s "$f" "$WORK/t1/$(basename "$f")" && pass || fail_check "$(basename "$f") differs with --threads 1"
done
for f in "$WORK"/t1n/*.ndjson; do
  cmp -s "$f" "$WORK/t2/$(basename "$f")" && pass || fail_check "$(basename "$f") differs between --threads 1 and 2"
done
n=$(ls "$WORK/again" | wc -l)
[[ $n -eq 12 ]] && pass || fail_check "expected 12 default tables, got $n"
# Parquet: one typed file per view (the content is checked by the sof unit tests).
"$FOS" flatten -q --view default --input "$out/fhir/Patient.ndjson" --format parquet --out "$WORK/pq"
[[ $(head -c 4 "$WORK/pq/fhir_patient.parquet") == PAR1 ]] && pass || fail_check "fhir_patient.parquet is not Parquet"
[[ -z $(find "$WORK/pq" -name '*.partial') ]] && pass || fail_check "partial files left behind"
expect_error "parquet to stdout" "needs --out" -- flatten --view default --input "$out/fhir/Patient.ndjson" --format parquet
# A default view together with a file view; an unknown view file still fails.
expect_error "missing view" "nope.json" -- flatten --view default --view "$WORK/nope.json" --input "$out/fhir" --out "$WORK/x"
finish
