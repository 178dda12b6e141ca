#!/usr/bin/env bash
# The fhir namespace: `fos flatten --warehouse` appends each default view as fhir.<view>, and
# `fos pipeline run`'s lake stage writes the flatten stage's views to fhir.* next to omop.*.
# Every table passes check-iceberg --strict with the exact row count of its flattened CSV, one
# snapshot per table per run; columns are typed from the ViewDefinition; fos query sees them.
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/oracle_lib.sh"

# csv_rows DIR...: "<view without fhir_> <rows>" summed over DIR/fhir_*.csv.
csv_rows() {
  python3 - "$@" <<'PY'
import csv, sys, pathlib, collections
total = collections.Counter()
for d in sys.argv[1:]:
    for f in pathlib.Path(d).glob("fhir_*.csv"):
        with f.open(newline="") as h:
            total[f.stem[5:]] += sum(1 for _ in csv.reader(h)) - 1
for t in sorted(total):
    print(t, total[t])
PY
}

# check WAREHOUSE SNAPSHOTS DIR...: every fhir table passes --strict with the CSV row count.
check() {
  local wh=$1 snapshots=$2
  shift 2
  local tables=0
  while read -r table n; do
    tables=$((tables + 1))
    node "$oracle/check-iceberg.mjs" "$wh/fhir/$table" --strict --expect-rows "$n" \
      --expect-snapshots "$snapshots" >"$WORK/check.log" 2>&1 && pass ||
      fail_check "fhir.$table ($snapshots snapshots, $n rows): $(tail -5 "$WORK/check.log")"
  done < <(csv_rows "$@")
  [[ $tables -ge 10 ]] && pass || fail_check "only $tables fhir tables in $wh"
}

"$FOS" generate -q -p 15 -s 11 --reference-date 2024-03-01 --omop none --out "$WORK/g1"
"$FOS" generate -q -p 10 -s 12 --reference-date 2024-03-01 --omop none --out "$WORK/g2"
"$FOS" flatten -q --view default --input "$WORK/g1/fhir" --format csv --out "$WORK/f1" --warehouse "$WORK/wh"
check "$WORK/wh" 1 "$WORK/f1"
"$FOS" flatten -q --view default --input "$WORK/g2/fhir" --format parquet --out "$WORK/f2" --warehouse "$WORK/wh"
"$FOS" flatten -q --view default --input "$WORK/g2/fhir" --format csv --out "$WORK/f2" 2>/dev/null
check "$WORK/wh" 2 "$WORK/f1" "$WORK/f2"

# Column types come from the view: latitude (decimal) is a double, id a string.
python3 - "$WORK/wh/fhir/patient/metadata" <<'PY' && pass || fail_check "fhir.patient column types"
import json, pathlib, sys
meta = pathlib.Path(sys.argv[1])
m = json.loads((meta / f"v{(meta / 'version-hint.text').read_text().strip()}.metadata.json").read_text())
types = {f["name"]: f["type"] for f in m["schemas"][0]["fields"]}
assert types["latitude"] == "double" and types["id"] == "string", types
PY
n=$(csv_rows "$WORK/f1" "$WORK/f2" | awk '$1 == "patient" {print $2}')
got=$("$FOS" query --warehouse "$WORK/wh" --format csv "SELECT count(*) FROM fhir.patient" | tail -1)
[[ $got == "$n" && $n == 25 ]] && pass || fail_check "fos query: $got patients, expected $n (25)"

# The pipeline's lake stage: fhir.* and omop.* in <out>/warehouse, one snapshot each.
"$FOS" pipeline run -q -p 12 -s 5 --reference-date 2024-03-01 --omop csv --out "$WORK/p"
check "$WORK/p/warehouse" 1 "$WORK/p/flat"
node "$oracle/check-iceberg.mjs" "$WORK/p/warehouse/omop/person" --strict --expect-rows 12 \
  --expect-snapshots 1 >"$WORK/person.log" 2>&1 && pass || fail_check "omop.person: $(tail -3 "$WORK/person.log")"
grep -q '"iceberg.fhir.patient": *12' "$WORK/p/run.json" && pass ||
  fail_check "run.json does not count iceberg.fhir.patient = 12"
run_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run_id"])' "$WORK/p/run.json" 2>/dev/null || true)
grep -q "\"fos.run-id\":\"$run_id\"" "$WORK/p/warehouse/fhir/patient/metadata/v2.metadata.json" && pass ||
  fail_check "fhir.patient snapshot does not carry the run id $run_id"

# --warehouse needs a table file to append.
expect_error "ndjson to warehouse" "--warehouse: needs --out and --format csv or parquet" -- \
  flatten --view default --input "$WORK/g1/fhir" --out "$WORK/f3" --warehouse "$WORK/wh3"
[[ ! -e "$WORK/wh3" ]] && pass || fail_check "a refused flatten created the warehouse"
finish
