#!/usr/bin/env bash
# fos's own disease modules (modules/): output passes `fos validate constraints`; a hand-written
# violating fixture fails with the exact listing; bad input exits 2; --require keeps only patients
# with the condition, the same ones for any thread count or shard split.
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/tests/data/constraints
args=(generate -q -s 7 --reference-date 2024-06-30 --omop csv --modules "$ROOT/modules")

"$FOS" "${args[@]}" -p 400 --out "$WORK/own" && pass || fail_check "generate with modules/ failed"
rc=0
"$FOS" -q validate constraints "$WORK/own" >"$WORK/own.txt" || rc=$?
[[ $rc -eq 0 && ! -s $WORK/own.txt ]] && pass || fail_check "own output: exit $rc, $(head -3 "$WORK/own.txt")"

rc=0
"$FOS" -q validate constraints "$DATA/violating" >"$WORK/listing.txt" || rc=$?
[[ $rc -eq 1 ]] && pass || fail_check "violating fixture: exit $rc, expected 1"
diff "$DATA/violating.expected" "$WORK/listing.txt" && pass || fail_check "violating fixture: listing differs"

expect_error "missing folder" "not a folder" -- validate constraints "$WORK/nothing"
mkdir -p "$WORK/empty"
expect_error "empty folder" "no fos output to check" -- validate constraints "$WORK/empty"
mkdir -p "$WORK/bad/fhir"
printf '{"resourceType":"Condition"}\n{oops\n' >"$WORK/bad/fhir/Condition.ndjson"
expect_error "malformed NDJSON" "fhir/Condition.ndjson: line 2: invalid JSON" -- validate constraints "$WORK/bad"

# --require 44054006 (type 2 diabetes): every patient has it; shards and threads agree.
req=("${args[@]}" -p 30 --require 44054006)
"$FOS" "${req[@]}" --threads 2 --out "$WORK/r2" && pass || fail_check "--require run failed"
"$FOS" "${req[@]}" --threads 1 --shard 2/2 --out "$WORK/r1" && pass || fail_check "--require shard failed"
python3 - "$WORK/r2" <<'PY' && pass || fail_check "--require: a patient without the condition"
import csv, sys
people = {r["person_id"] for r in csv.DictReader(open(sys.argv[1] + "/omop/person.csv"))}
with_t2d = {r["person_id"] for r in csv.DictReader(open(sys.argv[1] + "/omop/condition_occurrence.csv"))
            if r["condition_source_value"] == "44054006"}
assert len(people) == 30 and people == with_t2d, (len(people), len(people - with_t2d))
PY
if diff <(tail -n 15 "$WORK/r2/fhir/Patient.ndjson") "$WORK/r1/fhir/Patient.ndjson" >/dev/null; then
  pass
else
  fail_check "--require: shard 2/2 differs from the second half of the whole run"
fi
expect_error "--require without modules" "--require: needs disease modules" -- \
  generate -q -p 5 --modules none --require 44054006 --out "$WORK/x"
# Without --modules fos's own modules run (built in): the same output as --modules modules/.
"$FOS" generate -q -s 7 --reference-date 2024-06-30 --omop csv -p 400 --out "$WORK/default" && pass || fail_check "default run failed"
diff -r "$WORK/own/fhir" "$WORK/default/fhir" >/dev/null && diff -r "$WORK/own/omop" "$WORK/default/omop" >/dev/null && pass || fail_check "default module set differs from modules/"
finish
