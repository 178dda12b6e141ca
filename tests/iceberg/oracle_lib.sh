# Shared setup for the Iceberg oracle tests: source after tests/e2e/lib.sh. Copies the shared
# oracle folder once into ${FOS_ORACLE_CACHE:-build/oracles}/iceberg (shared/ is read-only),
# runs `npm ci` there once, and sets $oracle.
shared=${FOS_SHARED_DIR:?FOS_SHARED_DIR must point to the shared folder}
cache=${FOS_ORACLE_CACHE:-build/oracles}
oracle="$cache/iceberg"
fixtures="$shared/oracles/iceberg/fixtures"
if [[ ! -f "$oracle/check-iceberg.mjs" ]]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/iceberg.tmp.XXXXXX")
  cp -R "$shared/oracles/iceberg/." "$tmp/"
  chmod -R u+w,go+rX "$tmp"
  mv "$tmp" "$oracle" 2>/dev/null || rm -rf "$tmp" # another run may have won the race
fi
if [[ ! -f "$oracle/node_modules/.fos-installed" ]]; then
  (cd "$oracle" && npm ci --silent --no-audit --no-fund) && touch "$oracle/node_modules/.fos-installed"
fi

# oracle_rows SUMMARY_LOG: the "rows" the checker read (deletes applied).
oracle_rows() {
  grep '^SUMMARY' "$1" | python3 -c 'import json, sys; print(json.loads(sys.stdin.read()[8:])["rows"])'
}

# rows RUN_DIR... : "table rows" lines summed over the runs' omop/*.csv files.
rows() {
  python3 - "$@" <<'PY'
import csv, sys, pathlib, collections
total = collections.Counter()
for run in sys.argv[1:]:
    for f in pathlib.Path(run, "omop").glob("*.csv"):
        with f.open(newline="") as h:
            total[f.stem] += sum(1 for _ in csv.reader(h)) - 1
for t in sorted(total):
    print(t, total[t])
PY
}
