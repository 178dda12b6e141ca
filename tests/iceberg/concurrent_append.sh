#!/usr/bin/env bash
# Four processes each append 20 commits to the same table at once (`fos query --append-to
# --times 20`): the table ends with 80 append snapshots in one parent chain with sequence
# numbers 1..80, every row of every commit present (fos query and check-iceberg --strict
# agree), and the writers really raced (more attempts than commits).
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/oracle_lib.sh"

wh="$WORK/wh"
for w in 1 2 3 4; do
  "$FOS" query --warehouse "$wh" --append-to test.events --times 20 \
    "SELECT $w AS writer, getvariable('fos_iteration') AS iteration, range AS k FROM range(5)" \
    >"$WORK/w$w.log" 2>&1 &
done
for job in $(jobs -p); do
  wait "$job" || fail_check "a writer failed: $(cat "$WORK"/w*.log | grep error | head -3)"
done
[[ $(cat "$WORK"/w*.log | wc -l) == 80 ]] && pass || fail_check "writers reported $(cat "$WORK"/w*.log | wc -l) commits, expected 80"
attempts=$(awk '{s += $3} END {print s}' "$WORK"/w*.log)
echo "80 commits took $attempts attempts"

node "$oracle/check-iceberg.mjs" "$wh/test/events" --strict --expect-rows 400 --expect-snapshots 80 \
  >"$WORK/check.log" 2>&1 && pass || fail_check "check-iceberg: $(tail -5 "$WORK/check.log")"
got=$("$FOS" query --warehouse "$wh" --format csv \
  "SELECT count(*) || ' ' || count(DISTINCT (writer, iteration)) || ' ' || min(iteration) || ' ' || max(iteration) FROM test.events" | tail -1)
[[ $got == "400 80 1 20" ]] && pass || fail_check "fos query: rows/commits/iterations '$got', expected '400 80 1 20'"

python3 - "$wh/test/events/metadata" <<'PY' && pass || fail_check "snapshot history is wrong"
import json, pathlib, sys
meta = pathlib.Path(sys.argv[1])
hint = int((meta / "version-hint.text").read_text())
m = json.loads((meta / f"v{hint}.metadata.json").read_text())
assert hint == 81, hint  # v1 created the table, then one version per commit
snaps = {s["snapshot-id"]: s for s in m["snapshots"]}
assert len(snaps) == 80 and all(s["summary"]["operation"] == "append" for s in snaps.values())
assert sorted(s["sequence-number"] for s in snaps.values()) == list(range(1, 81))
chain, cur = 0, m["current-snapshot-id"]
while cur is not None:
    chain, cur = chain + 1, snaps[cur].get("parent-snapshot-id")
assert chain == 80, chain
assert m["snapshots"][-1]["summary"]["total-records"] == "400"
PY

# A name that is not <namespace>.<table> and a type fos cannot store are errors (exit 2).
expect_error "bad table name" "expected <namespace>.<table>" -- \
  query --warehouse "$wh" --append-to events "SELECT 1 AS a"
expect_error "decimal column" "column 'd' has type DECIMAL" -- \
  query --warehouse "$wh" --append-to test.other "SELECT 1.5::DECIMAL(4,1) AS d"
[[ ! -e "$wh/test/other" ]] && pass || fail_check "a refused append left test.other behind"
finish
