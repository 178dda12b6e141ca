#!/usr/bin/env bash
# The SQLite catalog (--catalog sqlite:PATH) in the JDBC/pyiceberg layout: four processes
# append 10 commits each to one table through it; the catalog file, read with python3's
# sqlite3, points at the newest metadata file (v41) with an older previous pointer and the
# namespace row; fos query --catalog reads the pointer's snapshot (not a newer file-system
# version written without the catalog); the pointer's metadata passes check-iceberg --strict.
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/oracle_lib.sh"

wh="$WORK/wh"
cat="$WORK/catalog.db"
for w in 1 2 3 4; do
  "$FOS" query --warehouse "$wh" --catalog "sqlite:$cat" --append-to test.events --times 10 \
    "SELECT $w AS writer, getvariable('fos_iteration') AS iteration, range AS k FROM range(3)" \
    >"$WORK/w$w.log" 2>&1 &
done
for job in $(jobs -p); do
  wait "$job" || fail_check "a writer failed: $(grep -h error "$WORK"/w*.log | head -3)"
done
echo "40 commits: $(awk '{s += $3} END {print s}' "$WORK"/w*.log) attempts, $(awk '{s += $4} END {print s}' "$WORK"/w*.log) lost pointer swaps"

python3 - "$cat" "$wh" <<'PY' && pass || fail_check "catalog rows are wrong"
import sqlite3, sys, pathlib
db = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in db.execute("PRAGMA table_info(iceberg_tables)")]
assert cols == ["catalog_name", "table_namespace", "table_name", "metadata_location",
                "previous_metadata_location"], cols
cols = [r[1] for r in db.execute("PRAGMA table_info(iceberg_namespace_properties)")]
assert cols == ["catalog_name", "namespace", "property_key", "property_value"], cols
rows = db.execute("SELECT * FROM iceberg_tables").fetchall()
assert len(rows) == 1, rows
cat, ns, name, loc, prev = rows[0]
wh = pathlib.Path(sys.argv[2]).resolve()
assert (cat, ns, name) == ("fos", "test", "events"), rows
assert loc == f"file:{wh}/test/events/metadata/v41.metadata.json", loc
v = int(prev.rsplit("/v", 1)[1].split(".")[0])
assert prev.startswith(f"file:{wh}/test/events/metadata/v") and 2 <= v < 41, prev
props = db.execute("SELECT * FROM iceberg_namespace_properties").fetchall()
assert props == [("fos", "test", "exists", "true")], props
PY

got=$("$FOS" query --catalog "sqlite:$cat" --format csv "SELECT count(*) || ' ' || count(DISTINCT (writer, iteration)) FROM test.events" | tail -1)
[[ $got == "120 40" ]] && pass || fail_check "fos query --catalog: '$got', expected '120 40'"
node "$oracle/check-iceberg.mjs" "$wh/test/events" --metadata v41.metadata.json --strict \
  --expect-rows 120 --expect-snapshots 40 >"$WORK/check.log" 2>&1 && pass ||
  fail_check "check-iceberg: $(tail -3 "$WORK/check.log")"

# A commit made without the catalog is in the folder but not behind the catalog's pointer.
"$FOS" query --warehouse "$wh" --append-to test.events "SELECT 9 AS writer, 1 AS iteration, 0 AS k" >/dev/null
got=$("$FOS" query --catalog "sqlite:$cat" --format csv "SELECT count(*) FROM test.events" | tail -1)
[[ $got == 120 ]] && pass || fail_check "catalog read: $got rows, expected the pointer's 120"
got=$("$FOS" query --warehouse "$wh" --format csv "SELECT count(*) FROM test.events" | tail -1)
[[ $got == 121 ]] && pass || fail_check "file-system read: $got rows, expected 121"
# The next catalog commit moves the pointer past it (v42 -> v43).
"$FOS" query --warehouse "$wh" --catalog "sqlite:$cat" --append-to test.events "SELECT 9 AS writer, 2 AS iteration, 0 AS k" >/dev/null
got=$("$FOS" query --catalog "sqlite:$cat" --format csv "SELECT count(*) FROM test.events" | tail -1)
[[ $got == 122 ]] && pass || fail_check "after a catalog commit: $got rows, expected 122"

expect_error "bad catalog" "--catalog: expected sqlite:PATH" -- query --catalog "$cat" "SELECT 1"
expect_error "missing catalog" "no SQLite catalog at" -- query --catalog "sqlite:$WORK/none.db" "SELECT 1"
[[ ! -e "$WORK/none.db" ]] && pass || fail_check "reading a missing catalog created it"
finish
