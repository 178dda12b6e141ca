#!/usr/bin/env bash
# Disease modules: fos runs Synthea's whole module library to completion, deterministically
# across thread counts; --module-stats reports entered states; bad module folders exit 2.
source "$(dirname "$0")/lib.sh"
SYNTHEA=${FOS_SHARED_DIR:?FOS_SHARED_DIR must point to the shared folder}/oracles/synthea/modules
DATA=$(cd "$(dirname "$0")/../data/modules" && pwd)
args=(generate -q -p 200 -s 3 --reference-date 2024-06-30 --omop csv --modules "$SYNTHEA")

"$FOS" "${args[@]}" --threads 2 --module-stats --out "$WORK/m2" && pass || fail_check "generate with the Synthea library failed"
"$FOS" "${args[@]}" --threads 1 --out "$WORK/m1" && pass || fail_check "single-thread run failed"
if diff -r "$WORK/m1/fhir" "$WORK/m2/fhir" >/dev/null && diff -r "$WORK/m1/omop" "$WORK/m2/omop" >/dev/null; then
  pass
else
  fail_check "--threads 1 and --threads 2 differ with modules"
fi
for f in Condition MedicationRequest Procedure CarePlan DiagnosticReport; do
  [[ -s $WORK/m2/fhir/$f.ndjson ]] && pass || fail_check "no $f resources from modules"
done
python3 - "$WORK/m2/module-stats.json" <<'PY' && pass || fail_check "module-stats.json"
import json, sys
stats = json.load(open(sys.argv[1]))
assert len(stats["modules"]) == 242, len(stats["modules"])
assert stats["modules"]["wellness_encounters"]["Initial"] == 200
types = stats["state_types"]
for t in ["ConditionOnset", "MedicationOrder", "Procedure", "Encounter", "Delay", "Guard",
          "CallSubmodule", "DiagnosticReport", "Death"]:
    assert types[t] > 0, t
PY

expect_error "missing state" "state 'Onset': unknown transition target 'Foo'" -- \
  generate -p 5 --modules "$DATA/bad/missing_state" --out "$WORK/bad"
expect_error "invalid json" "broken.json: invalid JSON" -- \
  generate -p 5 --modules "$DATA/bad/invalid_json" --out "$WORK/bad"
expect_error "not a folder" "--modules: '.*nowhere' is not a folder" -- \
  generate -p 5 --modules "$WORK/nowhere" --out "$WORK/bad"
expect_error "unknown filter" "--module-filter: no module 'nope'" -- \
  generate -p 5 --modules "$DATA/semantics" --module-filter nope --out "$WORK/bad"

finish
