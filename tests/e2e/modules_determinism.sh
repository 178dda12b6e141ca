#!/usr/bin/env bash
# Determinism with Synthea's whole module library: --threads 1 and 2 write byte-identical
# files (NDJSON, CSV, Parquet, manifest, module-stats.json), and shards 1/3..3/3 union to
# exactly the single run; --module-stats (which turns the run-ahead off) changes no record.
source "$(dirname "$0")/lib.sh"
SYNTHEA=${FOS_SHARED_DIR:?FOS_SHARED_DIR must point to the shared folder}/oracles/synthea/modules
args=(generate -q -p 150 -s 5 --reference-date 2024-06-30 --omop csv,parquet --modules "$SYNTHEA")

"$FOS" "${args[@]}" --threads 1 --module-stats --out "$WORK/t1"
"$FOS" "${args[@]}" --threads 2 --module-stats --out "$WORK/t2"
for s in 1 2 3; do "$FOS" "${args[@]}" --threads 2 --shard "$s/3" --out "$WORK/s$s"; done

if diff -r "$WORK/t1" "$WORK/t2" >/dev/null; then pass; else
  fail_check "--threads 1 and --threads 2 differ: $(diff -rq "$WORK/t1" "$WORK/t2" | head -3)"
fi
# Module stats switch the engine's run-ahead of private Delay chains off (docs/modules.md):
# the records must not change.
"$FOS" "${args[@]}" --threads 2 --out "$WORK/nostats"
if diff -r -x module-stats.json "$WORK/t1" "$WORK/nostats" >/dev/null; then pass; else
  fail_check "output differs with and without --module-stats (run-ahead changed the records)"
fi
n=$(wc -l <"$WORK/t1/fhir/Condition.ndjson")
[[ $n -gt 100 ]] && pass || fail_check "only $n conditions: modules did not run"

# Shards: every text file's lines are the union of the shards' lines (shared rows repeat).
while IFS= read -r rel; do
  case $rel in *.parquet | fhir/manifest.json | module-stats.json) continue ;; esac
  whole=$(sort -u "$WORK/t1/$rel" | md5sum)
  parts=()
  for s in 1 2 3; do [[ -f $WORK/s$s/$rel ]] && parts+=("$WORK/s$s/$rel"); done
  union=$(cat "${parts[@]}" | sort -u | md5sum)
  if [[ $whole == "$union" ]]; then pass; else fail_check "shards do not union to $rel"; fi
done < <(cd "$WORK/t1" && find . -type f | sed 's|^\./||' | sort)

# Per-patient files are exact concatenations of the shards, in order.
for rel in fhir/Patient.ndjson fhir/Condition.ndjson fhir/MedicationRequest.ndjson \
  fhir/Procedure.ndjson omop/condition_occurrence.csv omop/drug_exposure.csv; do
  if [[ $rel == *.csv ]]; then
    concat=$( (head -1 "$WORK/s1/$rel"; for s in 1 2 3; do tail -n +2 "$WORK/s$s/$rel"; done) | md5sum)
  else
    concat=$(cat "$WORK"/s{1,2,3}/"$rel" | md5sum)
  fi
  [[ $concat == "$(md5sum <"$WORK/t1/$rel")" ]] && pass || fail_check "shard concatenation differs for $rel"
done
finish
