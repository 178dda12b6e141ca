#!/usr/bin/env bash
# OMOP Parquet written straight from typed rows: large enough that the big tables span
# several Parquet row groups (measurement: ~360,000 rows), the bytes do not depend on the
# thread count (1, 2, 4: different block timing), on a second run, or on whether CSV is
# written too; nothing partial or spilled is left behind.
source "$(dirname "$0")/lib.sh"
SYNTHEA=${FOS_SHARED_DIR:?FOS_SHARED_DIR must point to the shared folder}/oracles/synthea/modules
args=(generate -q -p 1000 -s 11 --reference-date 2024-06-30 --fhir none --modules "$SYNTHEA")

"$FOS" "${args[@]}" --omop parquet --threads 1 --out "$WORK/t1"
"$FOS" "${args[@]}" --omop parquet --threads 2 --out "$WORK/t2"
"$FOS" "${args[@]}" --omop parquet --threads 4 --out "$WORK/t4"
"$FOS" "${args[@]}" --omop parquet --threads 2 --out "$WORK/t2b"
"$FOS" "${args[@]}" --omop csv,parquet --threads 2 --out "$WORK/csv"

n=$(find "$WORK/t1/omop" -name '*.parquet' | wc -l)
[[ $n -eq 23 ]] && pass || fail_check "$n Parquet files written, expected 23"
left=$(find "$WORK/t1" -name '*.partial' -o -name '.duckdb-spill*' | wc -l)
[[ $left -eq 0 ]] && pass || fail_check "$left partial or spill entries left behind"
size=$(stat -c %s "$WORK/t1/omop/measurement.parquet")
[[ $size -gt 1000000 ]] && pass || fail_check "measurement.parquet only $size bytes"
for run in t2 t4 t2b; do
  if diff -r "$WORK/t1/omop" "$WORK/$run/omop" >/dev/null; then pass; else
    fail_check "Parquet of --threads 1 and $run differ: $(diff -rq "$WORK/t1/omop" "$WORK/$run/omop" | head -3)"
  fi
done
for f in "$WORK"/t1/omop/*.parquet; do
  cmp -s "$f" "$WORK/csv/omop/$(basename "$f")" && pass || fail_check "$(basename "$f") differs when CSV is written too"
done
finish
