#!/usr/bin/env bash
# Flattening benchmark: `fos flatten` with the default patient and observation views against
# the reference JavaScript FHIRPath engine (npm fhirpath, pinned, installed into the build
# tree) evaluating the same column expressions, compiled once, over the same NDJSON.
# Reports resources/s and MB/s of NDJSON for each, one core each.
#
# Usage: bench/flatten.sh [FHIR_DIR]   (default: generate POPULATION patients, default 3000,
# with MODULES (a Synthea module folder, default ../shared/oracles/synthea/modules when present)).
# Environment: FOS (binary), BUILD_DIR (npm install target parent), POPULATION, MODULES.
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
  console.log(JSON.stringify({ resources, bytes, secs }));
}
main();
JS

printf '%-18s %-6s %10s %9s %8s %13s %9s %9s\n' view engine resources MB seconds resources/s MB/s speedup
for view in patient observation; do
  type=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["resource"])' "$root/views/$view.json")
  input=$fhir/$type.ndjson
  bytes=$(stat -c %s "$input")
  resources=$(wc -l <"$input")
  t0=$(date +%s.%N)
  taskset -c 0 "$FOS" flatten -q --view "$root/views/$view.json" --input "$input" --format csv \
    --out "$work/$view.fos.csv"
  t1=$(date +%s.%N)
  fos_secs=$(echo "$t1 - $t0" | bc -l)
  js_json=$(taskset -c 0 node "$js/flatten.js" "$root/views/$view.json" "$input" "$work/$view.js.csv")
  python3 - "$view" "$resources" "$bytes" "$fos_secs" "$js_json" <<'PY'
import json, sys
view, resources, size, fos_secs, js = sys.argv[1:]
resources, size, fos_secs, js = int(resources), int(size), float(fos_secs), json.loads(js)
mb = size / 1e6
row = "%-18s %-6s %10d %9.1f %8.2f %13.0f %9.1f %9s"
print(row % ("fhir_" + view, "fos", resources, mb, fos_secs, resources / fos_secs, mb / fos_secs,
             "%.1fx" % (js["secs"] / fos_secs)))
print(row % ("fhir_" + view, "js", js["resources"], mb, js["secs"], js["resources"] / js["secs"],
             mb / js["secs"], "1.0x"))
PY
done
