#!/usr/bin/env bash
# fos reads the tables Spark, Iceberg Java and Athena wrote (shared/oracles/iceberg/fixtures)
# with `fos query --table` and gets exactly the rows the independent reader (check-iceberg.mjs,
# icebird) gets: position and equality deletes applied, an added column, a renamed column read
# by field id, bucket/identity partitions, decimals, a table without version-hint.text. Also
# time travel against the checker's --metadata, and the failure paths.
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/oracle_lib.sh"

# same_rows ORACLE_LOG FOS_JSON: the checker's printed rows equal fos's JSON rows as multisets
# (values compared as numbers when both are numeric, dates by day; absent keys are null).
same_rows() {
  python3 - "$1" "$2" <<'PY'
import json, sys
oracle_lines = open(sys.argv[1]).read().splitlines()
start = next(i for i, l in enumerate(oracle_lines) if l.startswith("first "))
oracle = [json.loads(l.strip()) for l in oracle_lines[start + 1:] if l.startswith("  {")]
fos = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
columns = list(fos[0].keys()) if fos else []
def norm(v):
    if v is None: return None
    if isinstance(v, bool): return "true" if v else "false"
    s = str(v)
    if len(s) == 24 and s.endswith("T00:00:00.000Z"): s = s[:10]
    try: return repr(float(s))
    except ValueError: return s
def key(row): return tuple(norm(row.get(c)) for c in columns)
a, b = sorted(map(key, oracle), key=repr), sorted(map(key, fos), key=repr)
if a != b:
    print("oracle:", a, "\nfos:   ", b, sep="\n", file=sys.stderr)
    sys.exit(1)
print(len(a))
PY
}

declare -A expected=([spark-bunnies]=20 [java-bunnies]=15 [spark-rename-column]=4 [athena-example]=2)
for f in spark-bunnies java-bunnies spark-rename-column athena-example; do
  node "$oracle/check-iceberg.mjs" "$fixtures/$f" --show 1000 >"$WORK/$f.oracle" 2>&1 ||
    fail_check "checker failed on $f: $(tail -3 "$WORK/$f.oracle")"
  if ! "$FOS" query --table "t=$fixtures/$f" --format json "SELECT * FROM t" >"$WORK/$f.json" 2>"$WORK/$f.err"; then
    fail_check "fos query failed on $f: $(cat "$WORK/$f.err")"
    continue
  fi
  n=$(same_rows "$WORK/$f.oracle" "$WORK/$f.json") && [[ $n == "${expected[$f]}" ]] && pass ||
    fail_check "$f: fos rows differ from the checker's (or not ${expected[$f]} rows)"
done

# The renamed column reads under its new name, with the values written under the old one.
"$FOS" query --table "t=$fixtures/spark-rename-column" --format csv \
  "SELECT id, event_date FROM t WHERE event_date IS NOT NULL ORDER BY id" >"$WORK/rename.csv"
printf 'id,event_date\n1,2022-01-01\n2,2022-01-01\n4,2022-01-02\n' | diff - "$WORK/rename.csv" >/dev/null &&
  pass || fail_check "renamed column: $(cat "$WORK/rename.csv")"

# Time travel: as of spark-bunnies' first snapshot fos reads the rows the checker reads from v1.
node "$oracle/check-iceberg.mjs" "$fixtures/spark-bunnies" --metadata v2.metadata.json --show 1000 \
  >"$WORK/tt.oracle" 2>&1 || true
first=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["current-snapshot-id"])' \
  "$fixtures/spark-bunnies/metadata/v2.metadata.json")
"$FOS" query --table "t=$fixtures/spark-bunnies" --as-of "$first" --format json "SELECT * FROM t" >"$WORK/tt.json"
n=$(same_rows "$WORK/tt.oracle" "$WORK/tt.json") && [[ $n == 21 ]] && pass ||
  fail_check "spark-bunnies as of $first: rows differ from the checker's v2 (want 21)"
# java-bunnies before its deletes: all 21 rows of the first append.
got=$("$FOS" query --table "t=$fixtures/java-bunnies" --as-of 4951213507629824583 --format csv "SELECT count(*) FROM t" | tail -1)
[[ $got == 21 ]] && pass || fail_check "java-bunnies as of its first snapshot: $got rows, expected 21"

# Failure paths: a missing delete file, no table, a bad --table value, no source at all.
cp -R "$fixtures/java-bunnies" "$WORK/broken"
chmod -R u+w "$WORK/broken"
rm "$WORK/broken/data/bunnies-pos-deletes.parquet"
expect_error "missing delete file" "data file missing: .*bunnies-pos-deletes\.parquet" -- \
  query --table "t=$WORK/broken" "SELECT 1"
mkdir -p "$WORK/empty"
expect_error "no table" "no Iceberg table at" -- query --table "$WORK/empty" "SELECT 1"
expect_error "bad --table" "--table: expected" -- query --table "=" "SELECT 1"
expect_error "no source" "give --warehouse DIR or --table PATH" -- query "SELECT 1"
echo '{"format-version": 2,' >"$WORK/broken/metadata/v6.metadata.json"
expect_error "corrupt metadata" "v6\.metadata\.json" -- query --table "t=$WORK/broken" "SELECT 1"
finish
