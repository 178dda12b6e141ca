#!/usr/bin/env bash
# Acceptance with Synthea's whole module library: 500 patients run to completion, every
# module loads, every state type the library's JSON files use is entered at least once
# (module-stats.json), and the output passes the FHIR R4 schema oracle, the OMOP 5.4
# conformance test and the FHIR/OMOP cross-model check.
source "$(dirname "$0")/lib.sh"
SYNTHEA=${FOS_SHARED_DIR:?FOS_SHARED_DIR must point to the shared folder}/oracles/synthea/modules
run="$WORK/run"

if "$FOS" generate -q -p 500 -s 11 --reference-date 2025-01-15 --omop csv,duckdb \
  --modules "$SYNTHEA" --module-stats --out "$run"; then pass; else
  fail_check "generate -p 500 with the Synthea library exited non-zero"
  finish
  exit 1
fi

# Every module file loads and is reported; every state type used by the library is entered.
python3 - "$SYNTHEA" "$run/module-stats.json" <<'PY' && pass || fail_check "module-stats.json against the library"
import glob, json, os, sys
root, stats_path = sys.argv[1:]
files = [f for f in glob.glob(os.path.join(root, "**", "*.json"), recursive=True)
         if os.sep + "lookup_tables" + os.sep not in f]
used = set()
for f in files:
    for state in json.load(open(f)).get("states", {}).values():
        used.add(state["type"])
stats = json.load(open(stats_path))
names = {os.path.relpath(f, root)[:-len(".json")] for f in files}
missing_modules = sorted(n for n in names if "/" not in n and n not in stats["modules"])
assert not missing_modules, f"modules not in the report: {missing_modules}"
assert len(stats["modules"]) >= 242, len(stats["modules"])
entered = stats["state_types"]
never = sorted(t for t in used if entered.get(t, 0) == 0)
print(f"{len(files)} module files, {len(used)} state types used, never entered: {never}")
assert len(used) >= 30, sorted(used)
assert not never, never
PY

check_fhir_schema "$run/fhir"

check_omop_and_cross_model "$run"

# The module entries reach both models.
for f in Condition MedicationRequest Procedure CarePlan DiagnosticReport ImagingStudy Device \
  AllergyIntolerance SupplyDelivery Immunization; do
  [[ -s $run/fhir/$f.ndjson ]] && pass || fail_check "no $f resources"
done
for t in condition_occurrence drug_exposure procedure_occurrence device_exposure condition_era drug_era; do
  [[ $(wc -l <"$run/omop/$t.csv") -gt 1 ]] && pass || fail_check "OMOP $t is empty"
done
finish
