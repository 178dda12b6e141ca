#!/usr/bin/env bash
# The Iceberg warehouse fos writes, judged by the shared Iceberg oracle (check-iceberg.mjs:
# icebird plus the spec checks) and by Debian's python3-avro: every OMOP table after one
# run, after three runs, as of the first snapshot, and after four writers appended at once.
#
# The oracle is set up once by oracle_lib.sh (copied into the build tree, `npm ci` there).
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/oracle_lib.sh"

# check WAREHOUSE SNAPSHOTS RUN_DIR...: every table passes --strict with the exact row count.
check() {
  local wh=$1 snapshots=$2
  shift 2
  local tables=0
  while read -r table n; do
    tables=$((tables + 1))
    if node "$oracle/check-iceberg.mjs" "$wh/omop/$table" --strict --expect-rows "$n" \
      --expect-snapshots "$snapshots" >"$WORK/check.log" 2>&1; then
      pass
    else
      fail_check "$table ($snapshots snapshots, $n rows): $(tail -5 "$WORK/check.log")"
    fi
  done < <(rows "$@")
  [[ $tables -ge 15 ]] && pass || fail_check "only $tables OMOP tables in $wh"
}

run_fos() { "$FOS" generate -q --reference-date 2024-03-01 --fhir none --omop csv "$@"; }

# One run, then two more appended to the same warehouse.
run_fos -p 40 -s 5 --out "$WORK/r1" --warehouse "$WORK/wh"
check "$WORK/wh" 1 "$WORK/r1"
run_fos -p 25 -s 6 --out "$WORK/r2" --warehouse "$WORK/wh"
run_fos -p 30 -s 7 --out "$WORK/r3" --warehouse "$WORK/wh"
check "$WORK/wh" 3 "$WORK/r1" "$WORK/r2" "$WORK/r3"

# Time travel: v2 is the first append (v1 created the table empty).
n1=$(rows "$WORK/r1" | awk '$1 == "measurement" {print $2}')
node "$oracle/check-iceberg.mjs" "$WORK/wh/omop/measurement" --metadata v2.metadata.json \
  --expect-rows "$n1" --strict >"$WORK/tt.log" 2>&1 && pass || fail_check "as of v2: $(tail -3 "$WORK/tt.log")"

# person is partitioned by year_of_birth, event tables by the year of their start date.
python3 - "$WORK/wh/omop" <<'PY' && pass || fail_check "partition specs are wrong"
import json, sys, pathlib
wh = pathlib.Path(sys.argv[1])
def spec(t):
    m = json.loads((wh / t / "metadata/v4.metadata.json").read_text())
    s = m["schemas"][0]["fields"]
    names = {f["id"]: f["name"] for f in s}
    return [(names[f["source-id"]], f["transform"]) for f in m["partition-specs"][0]["fields"]]
assert spec("person") == [("year_of_birth", "identity")], spec("person")
assert spec("measurement") == [("measurement_date", "year")], spec("measurement")
assert spec("visit_occurrence") == [("visit_start_date", "year")], spec("visit_occurrence")
assert spec("concept") == [], spec("concept")
runs = [s["summary"]["fos.run-id"] for s in json.loads(
    (wh / "person/metadata/v4.metadata.json").read_text())["snapshots"]]
assert len(set(runs)) == 3, runs
PY

# Every manifest and manifest list decodes with Debian's python3-avro.
if /usr/bin/python3 -c 'import avro' 2>/dev/null; then
  for t in person measurement concept; do
    /usr/bin/python3 "$oracle/avro-dump.py" "$WORK/wh/omop/$t"/metadata/*.avro >"$WORK/avro.log" 2>&1 &&
      grep -q 'avro root record: manifest_entry' "$WORK/avro.log" &&
      grep -q 'avro root record: manifest_file' "$WORK/avro.log" && pass ||
      fail_check "python3-avro could not read $t: $(tail -3 "$WORK/avro.log")"
  done
else
  fail_check "python3-avro is not installed (apt-get install python3-avro)"
fi

# fos query reads the rows the oracle reads; --as-of the first snapshot gives the first run's.
n_all=$(rows "$WORK/r1" "$WORK/r2" "$WORK/r3" | awk '$1 == "measurement" {print $2}')
got=$("$FOS" query --warehouse "$WORK/wh" --format csv "SELECT count(*) AS n FROM omop.measurement" | tail -1)
[[ $got == "$n_all" ]] && pass || fail_check "fos query counted $got measurements, expected $n_all"
first=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["snapshots"][0]["snapshot-id"])' \
  "$WORK/wh/omop/measurement/metadata/v4.metadata.json")
got=$("$FOS" query --warehouse "$WORK/wh" --as-of "$first" --format csv "SELECT count(*) FROM omop.measurement" | tail -1)
[[ $got == "$n1" ]] && pass || fail_check "as of $first: $got measurements, expected $n1"
"$FOS" lake tables --warehouse "$WORK/wh" | grep -qE '^omop\.person +4 +3 .*identity\(year_of_birth\)' &&
  pass || fail_check "fos lake tables: $("$FOS" lake tables --warehouse "$WORK/wh" | grep person)"
[[ $("$FOS" lake snapshots --warehouse "$WORK/wh" omop.person | grep -c ' append ') == 3 ]] &&
  pass || fail_check "fos lake snapshots does not list 3 appends"

# Bad input: a corrupt newest metadata file or a missing data file is an error (exit 2)
# naming it; an unknown snapshot id too.
cp -R "$WORK/wh" "$WORK/bad"
echo '{"format-version": 2,' >"$WORK/bad/omop/person/metadata/v5.metadata.json"
expect_error "corrupt metadata" "v5\.metadata\.json" -- query --warehouse "$WORK/bad" "SELECT 1"
cp -R "$WORK/wh" "$WORK/bad2"
rm "$(find "$WORK/bad2/omop/measurement/data" -name '*.parquet' | head -1)"
expect_error "missing data file" "data file missing" -- query --warehouse "$WORK/bad2" "SELECT 1"
expect_error "unknown snapshot" "no table .* has snapshot 42" -- query --warehouse "$WORK/wh" --as-of 42 "SELECT 1"

# A writer killed (SIGKILL) at various points leaves every table at the previous or the new
# snapshot. fos is started directly in the background (a shell function would put a subshell
# between $! and fos, and the kill would miss the writer), killed after a delay within
# the length of an uninterrupted run, and each table is then checked with --strict.
run_fos -p 30 -s 9 --out "$WORK/k-expected"
cp -R "$WORK/wh" "$WORK/wt"
t0=$(date +%s%N)
run_fos -p 30 -s 9 --out "$WORK/k-timed" --warehouse "$WORK/wt"
run_ms=$((($(date +%s%N) - t0) / 1000000))
before=$(rows "$WORK/r1" "$WORK/r2" "$WORK/r3")
after=$(rows "$WORK/r1" "$WORK/r2" "$WORK/r3" "$WORK/k-expected")
killed=0
i=0
# Kill points as percentages of the timed run, spread over the run; under a loaded machine a
# kill can land before the lake writes start or after the writer ends, so up to eight are
# tried until at least two writers died mid-run and one of them left orphan files.
for percent in 60 25 80 45 90 35 70 15; do
  i=$((i + 1))
  rm -rf "$WORK/wk" "$WORK/k"
  cp -R "$WORK/wh" "$WORK/wk"
  "$FOS" generate -q --reference-date 2024-03-01 --fhir none --omop csv -p 30 -s 9 --out "$WORK/k" \
    --warehouse "$WORK/wk" &
  writer=$!
  delay_ms=$((run_ms * percent / 100))
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  kill -9 "$writer" 2>/dev/null || true
  status=0
  wait "$writer" || status=$?
  [[ $status == 137 ]] && killed=$((killed + 1))
  new_tables=0
  while read -r table n_before; do
    n_after=$(awk -v t="$table" '$1 == t {print $2}' <<<"$after")
    node "$oracle/check-iceberg.mjs" "$WORK/wk/omop/$table" --strict >"$WORK/kill.log" 2>&1 ||
      { fail_check "kill $i after ${delay_ms} ms: $table unreadable: $(grep -E 'ERROR|WARN' "$WORK/kill.log" | head -3)"; continue; }
    got=$(oracle_rows "$WORK/kill.log")
    [[ $got == "$n_after" && $got != "$n_before" ]] && new_tables=$((new_tables + 1))
    [[ $got == "$n_before" || $got == "$n_after" ]] && pass ||
      fail_check "kill $i after ${delay_ms} ms: $table has $got rows, expected $n_before or $n_after"
  done <<<"$before"
  echo "kill $i: after ${delay_ms} of ${run_ms} ms, exit status $status, $new_tables tables at the new snapshot"
  # Keep the first warehouse whose killed writer left files behind for the orphan checks.
  if [[ ! -d "$WORK/wk-orphans" ]] && "$FOS" lake orphans --warehouse "$WORK/wk" | tail -1 | grep -qv '^0 '; then
    mv "$WORK/wk" "$WORK/wk-orphans"
  fi
  [[ $i -ge 4 && $killed -ge 2 && -d "$WORK/wk-orphans" ]] && break
done
[[ $killed -ge 2 ]] && pass || fail_check "only $killed of $i writers were killed mid-run"

# ---- orphan files after the kill: whatever no metadata references is listed, --remove
# deletes exactly that, and every table reads the same rows as before ----
if [[ -d "$WORK/wk-orphans" ]]; then
  rm -rf "$WORK/wk"
  mv "$WORK/wk-orphans" "$WORK/wk"
fi
"$FOS" lake orphans --warehouse "$WORK/wk" >"$WORK/orphans.log" && pass || fail_check "fos lake orphans failed"
n_orphans=$(tail -1 "$WORK/orphans.log" | awk '{print $1}')
[[ $n_orphans -gt 0 ]] && pass || fail_check "no killed writer left orphan files"
[[ $(grep -c . "$WORK/orphans.log") == $((n_orphans + 1)) ]] && pass || fail_check "orphan listing: $(tail -3 "$WORK/orphans.log")"
count_wk() { "$FOS" query --warehouse "$WORK/wk" --format csv "SELECT (SELECT count(*) FROM omop.person) + (SELECT count(*) FROM omop.measurement)" | tail -1; }
before_remove=$(count_wk)
[[ $(tail -1 <("$FOS" lake orphans --warehouse "$WORK/wk" --remove)) == "$n_orphans orphan files removed" ]] &&
  pass || fail_check "fos lake orphans --remove did not remove $n_orphans files"
[[ $(tail -1 <("$FOS" lake orphans --warehouse "$WORK/wk")) == "0 orphan files" ]] && pass || fail_check "orphans left after --remove"
[[ $(count_wk) == "$before_remove" ]] && pass || fail_check "removing orphans changed the rows read"

# Four writers at once on one warehouse: every snapshot and every row survives.
for i in 1 2 3 4; do
  run_fos -p $((8 + i)) -s $((20 + i)) --out "$WORK/c$i" --warehouse "$WORK/wc" &
done
wait
check "$WORK/wc" 4 "$WORK/c1" "$WORK/c2" "$WORK/c3" "$WORK/c4"
finish
