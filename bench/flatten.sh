#!/usr/bin/env bash
# Flattening benchmark: `fos flatten` with the default patient and observation views against
# the reference JavaScript FHIRPath engine (npm fhirpath, pinned, installed into the build
# tree) evaluating the same column expressions, compiled once, over the same NDJSON.
# Reports resources/s and MB/s of NDJSON for each: JavaScript and `fos flatten --threads 1`
# pinned to one core, then fos with THREADS (default 2) threads on as many cores.
#
# Usage: bench/flatten.sh [FHIR_DIR]   (default: generate POPULATION patients, default 3000,
# with MODULES (a Synthea module folder, default ../shared/oracles/synthea/modules when present)).
# Environment: FOS (binary), BUILD_DIR (npm install target parent), POPULATION, MODULES,
# THREADS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$root/build}
FOS=${FOS:-$BUILD_DIR/src/cli/fos}
FHIRPATH_JS_VERSION=5.2.2
work=$(mktemp -d "${TMPDIR:-/tmp}/fos-bench-flatten.XXXXXX")
trap 'rm -rf "$work"' EXIT

fhir=${1:-}
if [[ -z $fhir ]]; then
  modules=${MODULES:-$root/../shared/oracles/synthea/modules}
  args=(generate -q -p "${POPULATION:-3000}" -s 1 --reference-date 2025-01-01 --omop none
        --out "$work/gen")
  [[ -d $modules ]] && args+=(--modules "$modules")
  "$FOS" "${args[@]}"
  fhir=$work/gen/fhir
fi

js=$BUILD_DIR/bench-js
if [[ ! -f $js/node_modules/fhirpath/package.json ]] ||
   ! grep -q "\"version\": \"$FHIRPATH_JS_VERSION\"" "$js/node_modules/fhirpath/package.json"; then
  mkdir -p "$js"
  (cd "$js" && npm install --silent --no-audit --no-fund --no-save "fhirpath@$FHIRPATH_JS_VERSION" >/dev/null)
fi

# The JavaScript side: every column path compiled once with the R4 model; getResourceKey()
# and getReferenceKey(T) (SQL on FHIR functions fhirpath.js lacks) become `id` and
# `reference.replace('T/', '')`. One CSV line per resource, written to a file.
cat >"$js/flatten.js" <<'JS'
const fs = require("fs");
const readline = require("readline");
const fhirpath = require("fhirpath");
const r4 = require("fhirpath/fhir-context/r4");
const [viewFile, input, output] = process.argv.slice(2);
const view = JSON.parse(fs.readFileSync(viewFile, "utf8"));
const rewrite = (p) => p.replace(/getResourceKey\(\)/g, "id")
  .replace(/getReferenceKey\((\w+)\)/g, "reference.replace('$1/', '')");
const columns = view.select.flatMap((s) => s.column || []);
const compiled = columns.map((c) => fhirpath.compile(rewrite(c.path), r4));
const csv = (v) => { const s = String(v); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
async function main() {
  const out = fs.createWriteStream(output);
  out.write(columns.map((c) => c.name).join(",") + "\n");
  let resources = 0, bytes = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const lines = readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity });
  for await (const line of lines) {
    bytes += Buffer.byteLength(line) + 1;
    const resource = JSON.parse(line);
    if (resource.resourceType !== view.resource) continue;
    resources++;
    out.write(compiled.map((f) => { const v = f(resource); return v.length ? csv(v[0]) : ""; }).join(",") + "\n");
  }
  await new Promise((r) => out.end(r));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ resources, bytes, secs, cpu: (cpu.user + cpu.system) / 1e6 }));
}
main();
JS

# Inputs smaller than MIN_MB (default 200) are repeated into one file of at least that size,
# so that throughput is not dominated by process start (ids repeat; rows are counted anyway).
# Times: wall seconds, and CPU seconds (user + system), which a busy machine distorts less.
printf '%-18s %-6s %9s %7s %7s %7s %11s %7s %7s %8s %8s\n' view engine resources MB wall_s cpu_s \
  resources/s MB/s MB/cpu_s x_wall x_cpu
for view in patient observation; do
  type=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["resource"])' "$root/views/$view.json")
  input=$fhir/$type.ndjson
  min_bytes=$(( ${MIN_MB:-200} * 1000000 ))
  if (( $(stat -c %s "$input") < min_bytes )); then
    while (( $(stat -c %s "$work/$type.ndjson" 2>/dev/null || echo 0) < min_bytes )); do
      cat "$input" >>"$work/$type.ndjson"
    done
    input=$work/$type.ndjson
  fi
  bytes=$(stat -c %s "$input")
  resources=$(wc -l <"$input")
  threads=${THREADS:-2}
  cores=$(seq -s, 0 $((threads - 1)))
  taskset -c 0 /usr/bin/time -f "%e %U %S" -o "$work/time1" "$FOS" flatten -q --threads 1 \
    --view "$root/views/$view.json" --input "$input" --format csv --out "$work/$view.fos.csv"
  taskset -c "$cores" /usr/bin/time -f "%e %U %S" -o "$work/time2" "$FOS" flatten -q \
    --threads "$threads" --view "$root/views/$view.json" --input "$input" --format csv \
    --out "$work/$view.fos.n.csv"
  cmp -s "$work/$view.fos.csv" "$work/$view.fos.n.csv" ||
    { echo "output differs with $threads threads" >&2; exit 1; }
  js_json=$(taskset -c 0 node "$js/flatten.js" "$root/views/$view.json" "$input" "$work/$view.js.csv")
  python3 - "$view" "$resources" "$bytes" "$work/time1" "$work/time2" "$threads" "$js_json" <<'PY'
import json, sys
view, resources, size, time1, time2, threads, js = sys.argv[1:]
resources, size, js = int(resources), int(size), json.loads(js)
def times(path):
    wall, user, system = map(float, open(path).read().split()[-3:])
    return wall, user + system
mb = size / 1e6
row = "%-18s %-6s %9d %7.1f %7.2f %7.2f %11.0f %7.1f %7.1f %8s %8s"
def line(engine, wall, cpu):
    print(row % ("fhir_" + view, engine, resources, mb, wall, cpu, resources / wall, mb / wall,
                 mb / cpu, "%.1fx" % (js["secs"] / wall), "%.1fx" % (js["cpu"] / cpu)))
line("fos", *times(time1))
line("fos/" + threads, *times(time2))
line("js", js["secs"], js["cpu"])
PY
done
