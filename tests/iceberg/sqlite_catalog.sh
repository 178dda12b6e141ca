#!/usr/bin/env bash
# The SQLite catalog (--catalog sqlite:PATH) in the JDBC/pyiceberg layout: four processes
# append 10 commits each to one table through it; the catalog file, read with python3's
# sqlite3, points at the newest metadata file (v41) with an older previous pointer and the
# namespace row; fos query --catalog reads the pointer's snapshot (not a newer file-system
# version written without the catalog); the pointer's metadata passes check-iceberg --strict.
# Then the writers (generate, to-omop, flatten, pipeline run) register their tables, and
# fos lake evolve|compact|expire --catalog move a table's pointer after each change.
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

# ---- the writers register their tables too: fos generate, to-omop, flatten and pipeline run
# with --warehouse DIR --catalog sqlite:PATH; every pointer names the newest version ----
w2="$WORK/wh2"
cat2="$WORK/cat2.db"
"$FOS" generate -q -p 12 -s 3 --reference-date 2024-03-01 --omop csv --out "$WORK/g" \
  --warehouse "$w2" --catalog "sqlite:$cat2" && pass || fail_check "generate --catalog failed"
"$FOS" to-omop -q --input "$WORK/g/fhir" --reference-date 2024-03-01 --out "$WORK/t" \
  --warehouse "$w2" --catalog "sqlite:$cat2" >/dev/null && pass || fail_check "to-omop --catalog failed"
"$FOS" flatten -q --view default --input "$WORK/g/fhir" --format csv --out "$WORK/f" \
  --warehouse "$w2" --catalog "sqlite:$cat2" && pass || fail_check "flatten --catalog failed"
"$FOS" pipeline run -q -p 8 -s 4 --reference-date 2024-03-01 --out "$WORK/p" \
  --warehouse "$w2" --catalog "sqlite:$cat2" >/dev/null && pass || fail_check "pipeline run --catalog failed"
python3 - "$cat2" "$w2" <<'PY' && pass || fail_check "writers' catalog pointers are wrong"
import sqlite3, sys, pathlib
db = sqlite3.connect(sys.argv[1])
wh = pathlib.Path(sys.argv[2]).resolve()
rows = db.execute("SELECT table_namespace, table_name, metadata_location FROM iceberg_tables").fetchall()
tables = {(ns, name): loc for ns, name, loc in rows}
assert ("omop", "person") in tables and ("fhir", "patient") in tables, sorted(tables)
for (ns, name), loc in tables.items():
    hint = (wh / ns / name / "metadata" / "version-hint.text").read_text().strip()
    assert loc == f"file:{wh}/{ns}/{name}/metadata/v{hint}.metadata.json", (ns, name, loc, hint)
# person: created (v1), generate (v2), to-omop (v3), pipeline run (v4)
assert tables[("omop", "person")].endswith("/v4.metadata.json"), tables[("omop", "person")]
# fhir.patient: flatten, then the pipeline's lake stage
assert tables[("fhir", "patient")].endswith("/v3.metadata.json"), tables[("fhir", "patient")]
ns = {r[0] for r in db.execute("SELECT namespace FROM iceberg_namespace_properties")}
assert ns == {"omop", "fhir"}, ns
PY
"$FOS" lake tables --catalog "sqlite:$cat2" >"$WORK/lt.log" && pass || fail_check "lake tables --catalog failed"
grep -qE '^omop\.person +4 +3 ' "$WORK/lt.log" && grep -qE '^fhir\.patient +3 +2 ' "$WORK/lt.log" && pass ||
  fail_check "lake tables --catalog: $(grep -E 'person|patient' "$WORK/lt.log")"
[[ $(grep -c . "$WORK/lt.log") == $(($(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM iceberg_tables").fetchone()[0])' "$cat2") + 1)) ]] &&
  pass || fail_check "lake tables --catalog does not list every catalog table"
"$FOS" lake snapshots --catalog "sqlite:$cat2" omop.person | grep -c ' append ' | grep -qx 3 && pass ||
  fail_check "lake snapshots --catalog omop.person does not list 3 appends"
a=$("$FOS" query --catalog "sqlite:$cat2" --format csv "SELECT count(*) FROM omop.measurement" | tail -1)
b=$("$FOS" query --warehouse "$w2" --format csv "SELECT count(*) FROM omop.measurement" | tail -1)
[[ $a == "$b" && $a -gt 0 ]] && pass || fail_check "query through the catalog: $a rows, warehouse: $b"
expect_error "catalog without warehouse" "--catalog: needs --warehouse" -- generate -q -p 2 --out "$WORK/x" --catalog "sqlite:$cat2"
expect_error "bad writer catalog" "--catalog: expected sqlite:PATH" -- to-omop --input "$WORK/g/fhir" --out "$WORK/x2" --warehouse "$w2" --catalog "$cat2"
[[ ! -e "$WORK/x2" ]] && pass || fail_check "a refused to-omop --catalog left output"
expect_error "lake tables needs a source" "give --warehouse DIR or --catalog" -- lake tables

# ---- fos lake evolve|compact|expire --catalog move the pointer too (compare-and-swap, as the
# appends): after each, the catalog names the folder's newest version and readers through the
# catalog see the new schema / replace snapshot / expired history ----
pointer_is_newest() { # NS TABLE: the catalog pointer names the version in version-hint.text
  python3 - "$cat2" "$w2" "$1" "$2" <<'PY'
import sqlite3, sys, pathlib
db = sqlite3.connect(sys.argv[1])
wh, ns, name = pathlib.Path(sys.argv[2]).resolve(), sys.argv[3], sys.argv[4]
loc, = db.execute("SELECT metadata_location FROM iceberg_tables WHERE table_namespace = ? "
                  "AND table_name = ?", (ns, name)).fetchone()
hint = (wh / ns / name / "metadata" / "version-hint.text").read_text().strip()
assert loc == f"file:{wh}/{ns}/{name}/metadata/v{hint}.metadata.json", (loc, hint)
print(hint)
PY
}
m_rows=$("$FOS" query --catalog "sqlite:$cat2" --format csv "SELECT count(*) FROM omop.measurement" | tail -1)
m_src=$("$FOS" query --catalog "sqlite:$cat2" --format csv "SELECT count(value_source_value) FROM omop.measurement" | tail -1)
before=$(pointer_is_newest omop measurement) || fail_check "pointer before evolve"
"$FOS" lake evolve --warehouse "$w2" --catalog "sqlite:$cat2" --table omop.measurement \
  --add-column note_text:string --rename value_source_value:value_src >/dev/null && pass ||
  fail_check "lake evolve --catalog failed"
after=$(pointer_is_newest omop measurement) && [[ $after == $((before + 1)) ]] && pass ||
  fail_check "evolve --catalog: pointer at v$after, expected v$((before + 1))"
got=$("$FOS" query --catalog "sqlite:$cat2" --format csv \
  "SELECT count(*) || ' ' || count(note_text) || ' ' || count(value_src) FROM omop.measurement" | tail -1)
[[ $got == "$m_rows 0 $m_src" ]] && pass || fail_check "query --catalog after evolve: '$got'"
"$FOS" lake compact --warehouse "$w2" --catalog "sqlite:$cat2" --table omop.measurement --all >/dev/null &&
  pass || fail_check "lake compact --catalog failed"
after=$(pointer_is_newest omop measurement) && [[ $after == $((before + 2)) ]] && pass ||
  fail_check "compact --catalog: pointer at v$after, expected v$((before + 2))"
"$FOS" lake snapshots --catalog "sqlite:$cat2" omop.measurement | tail -1 | grep -q ' replace ' && pass ||
  fail_check "lake snapshots --catalog: the replace snapshot is not the last"
"$FOS" lake expire --warehouse "$w2" --catalog "sqlite:$cat2" --table omop.measurement --retain-last 1 \
  >/dev/null && pass || fail_check "lake expire --catalog failed"
after=$(pointer_is_newest omop measurement) && [[ $after == $((before + 3)) ]] && pass ||
  fail_check "expire --catalog: pointer at v$after, expected v$((before + 3))"
"$FOS" lake tables --catalog "sqlite:$cat2" omop.measurement | grep -qE "^omop\.measurement +$after +1 " &&
  pass || fail_check "lake tables --catalog after expire: $("$FOS" lake tables --catalog "sqlite:$cat2" omop.measurement)"
got=$("$FOS" query --catalog "sqlite:$cat2" --format csv "SELECT count(*) FROM omop.measurement" | tail -1)
[[ $got == "$m_rows" ]] && pass || fail_check "query --catalog after expire: $got rows, expected $m_rows"
node "$oracle/check-iceberg.mjs" "$w2/omop/measurement" --metadata "v$after.metadata.json" --strict \
  --expect-rows "$m_rows" --expect-snapshots 1 >"$WORK/check2.log" 2>&1 && pass ||
  fail_check "check-iceberg after catalog maintenance: $(tail -3 "$WORK/check2.log")"
expect_error "bad maintenance catalog" "--catalog: expected sqlite:PATH" -- lake compact --warehouse "$w2" --catalog "$cat2"
[[ $(pointer_is_newest omop measurement) == "$after" ]] && pass || fail_check "a refused compact moved the pointer"
finish
