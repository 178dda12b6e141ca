#!/usr/bin/env bash
# `fos pipeline run`: stages in order, run.json with run id, options, seed, version, timings
# and counts that match the files written.
source "$(dirname "$0")/lib.sh"
out="$WORK/fos-out"
"$FOS" pipeline run -p 60 -s 3 --reference-date 2024-03-01 --omop csv,parquet --out "$out" 2>"$WORK/stderr"
grep -q 'Stage generate' "$WORK/stderr" && pass || fail_check "summary lacks the stage: $(cat "$WORK/stderr")"
grep -q 'patients 60' "$WORK/stderr" && pass || fail_check "summary lacks the patient count"
python3 - "$out" <<'PY' && pass || fail_check "run.json is wrong"
import json, sys, uuid, pathlib
out = pathlib.Path(sys.argv[1])
m = json.loads((out / "run.json").read_text())
uuid.UUID(m["run_id"])
assert m["fos_version"], m
assert m["options"]["seed"] == "3" and m["options"]["population"] == "60", m["options"]
assert [s["name"] for s in m["stages"]] == ["generate", "flatten", "lake"], m["stages"]
g = m["stages"][0]
assert g["seconds"] >= 0 and g["counts"]["patients"] == 60, g
lines = lambda p: sum(1 for _ in p.open())
assert g["counts"]["fhir.Patient"] == lines(out / "fhir/Patient.ndjson") == 60
assert g["counts"]["omop.person"] == lines(out / "omop/person.csv") - 1 == 60
assert g["counts"]["omop.measurement"] == lines(out / "omop/measurement.csv") - 1
assert (out / "omop/person.parquet").exists()
PY
# Two runs get different run ids; their data files are identical.
cp "$out/run.json" "$WORK/run1.json"
"$FOS" pipeline run -q -p 60 -s 3 --reference-date 2024-03-01 --omop csv,parquet --out "$out"
[[ $(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["run_id"])' "$WORK/run1.json") != \
   $(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["run_id"])' "$out/run.json") ]] && pass || fail_check "run ids repeat"
# --quiet prints nothing.
"$FOS" pipeline run -q -p 5 --reference-date 2024-03-01 --out "$WORK/q" 2>"$WORK/q.err"
[[ ! -s $WORK/q.err ]] && pass || fail_check "--quiet printed: $(cat "$WORK/q.err")"
finish
