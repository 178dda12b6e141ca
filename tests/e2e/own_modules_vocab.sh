#!/usr/bin/env bash
# fos's own modules against fos's built-in vocabulary: a default 300-patient population has no
# concept-0 rows for the modules' SNOMED/LOINC/RxNorm codes, and their drugs reach drug_era
# through Ingredient ancestors; the checker fails on a row set back to concept 0.
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
check=$(dirname "$0")/own_modules_vocab.py

"$FOS" generate -q -p 300 -s 5 --reference-date 2025-01-15 --omop csv --out "$WORK/run" && pass ||
  fail_check "generate failed"
if python3 "$check" "$ROOT/modules" "$WORK/run/omop" "$ROOT/vocab" >"$WORK/ok.log" 2>&1; then pass; else
  fail_check "module codes with concept 0: $(head -20 "$WORK/ok.log")"
fi
cat "$WORK/ok.log"

# A condition row set back to concept 0 must be reported, by code.
cp -r "$WORK/run/omop" "$WORK/broken"
awk -F, -v OFS=, 'NR == 2 { code = $14; $3 = 0 } { print } END { print code > "/dev/stderr" }' \
  "$WORK/run/omop/condition_occurrence.csv" >"$WORK/broken/condition_occurrence.csv" 2>"$WORK/code"
rc=0
python3 "$check" "$ROOT/modules" "$WORK/broken" "$ROOT/vocab" >"$WORK/broken.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] && pass || fail_check "broken copy: exit $rc, expected 1"
grep -q "condition_occurrence: $(cat "$WORK/code") has concept 0" "$WORK/broken.log" && pass ||
  fail_check "broken copy: listing lacks the code: $(cat "$WORK/broken.log")"
finish
