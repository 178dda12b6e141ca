#!/usr/bin/env bash
# `fos pipeline run --to-omop`: the to-omop stage converts the run's FHIR into to-omop/ and
# records in run.json and the summary that it agrees with the run's direct OMOP output.
source "$(dirname "$0")/lib.sh"

rc=0
"$FOS" pipeline run -p 100 -s 7 --reference-date 2025-01-01 --out "$WORK/run" --to-omop \
  >"$WORK/out.log" 2>&1 || rc=$?
[[ $rc -eq 0 ]] && pass || fail_check "pipeline run --to-omop: exit $rc: $(tail -3 "$WORK/out.log")"
[[ -f $WORK/run/to-omop/omop/person.csv && -f $WORK/run/to-omop/mapping_report.json ]] && pass ||
  fail_check "no to-omop output"
[[ -f $WORK/run/to-omop/omop/fhir_omop_crosswalk.csv ]] && pass || fail_check "no crosswalk"
grep -q '"name":"to-omop"' "$WORK/run/run.json" && pass || fail_check "run.json: no to-omop stage"
grep -q '"agreement":"agrees (23 tables)"' "$WORK/run/run.json" && pass ||
  fail_check "run.json: $(grep -o '"agreement":"[^"]*"' "$WORK/run/run.json")"
grep -q '"agreement.differing_tables":0' "$WORK/run/run.json" && pass || fail_check "differing tables"
grep -q '"to-omop.persons":100' "$WORK/run/run.json" && pass || fail_check "persons count"
grep -q "agreement: agrees (23 tables)" "$WORK/out.log" && pass || fail_check "summary: no agreement line"
# Without --to-omop the stage does not run.
"$FOS" pipeline run -q -p 20 -s 7 --reference-date 2025-01-01 --out "$WORK/run2"
[[ ! -e $WORK/run2/to-omop ]] && ! grep -q '"to-omop"' "$WORK/run2/run.json" && pass ||
  fail_check "to-omop ran without --to-omop"
finish
