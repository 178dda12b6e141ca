#!/usr/bin/env bash
# End-to-end generation benchmark: times `fos generate` and reports patients/s,
# resources/s, MB/s of FHIR and peak memory. Usage: bench/generate.sh [POPULATION...]
# (default: 10000). Environment: FOS (binary), THREADS, OMOP (default parquet), FHIR (default
# ndjson; none measures OMOP alone), MODULES (a folder of GMF modules passed as --modules, e.g.
# ../shared/oracles/synthea/modules; default none), YEARS (--years-of-history, default 10).
# Peak MB is the maximum resident set size; CPU s is user + system time, steadier than wall
# time on a shared machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
FOS=${FOS:-$root/build/src/cli/fos}
OMOP=${OMOP:-parquet}
MODULES=${MODULES:-}
YEARS=${YEARS:-10}
populations=("$@")
[[ ${#populations[@]} -gt 0 ]] || populations=(10000)
work=$(mktemp -d "${TMPDIR:-/tmp}/fos-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

[[ -z $MODULES ]] || echo "modules: $MODULES"
printf '%-10s %8s %10s %12s %10s %10s %10s %10s %8s\n' patients seconds patients/s resources/s "FHIR MB/s" "FHIR MB" "all MB/s" "peak MB" "CPU s"
for n in "${populations[@]}"; do
  python3 - "$FOS" "$n" "$work/out-$n" "$OMOP" "${THREADS:-0}" "$MODULES" "$YEARS" <<'PY'
import json, os, resource, subprocess, sys, time
fos, n, out, omop, threads, modules, years = sys.argv[1:]
cmd = [fos, "generate", "-q", "-p", n, "-s", "1", "--reference-date", "2025-01-01",
       "--omop", omop, "--fhir", os.environ.get("FHIR","ndjson"), "--threads", threads, "--years-of-history", years, "--out", out]
if modules:
    cmd += ["--modules", modules]
t0 = time.monotonic()
subprocess.run(cmd, check=True)
secs = time.monotonic() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak_mb = usage.ru_maxrss / 1024
cpu = usage.ru_utime + usage.ru_stime
fhir_dir = os.path.join(out, "fhir")
resources = fhir_bytes = 0
if os.path.isdir(fhir_dir):  # FHIR=none writes no fhir folder
    manifest = json.load(open(os.path.join(fhir_dir, "manifest.json")))
    resources = sum(o["count"] for o in manifest["output"])
    fhir_bytes = sum(os.path.getsize(os.path.join(fhir_dir, f)) for f in os.listdir(fhir_dir))
all_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
print(f"{int(n):<10d} {secs:8.2f} {int(n)/secs:10.0f} {resources/secs:12.0f} "
      f"{fhir_bytes/1e6/secs:10.1f} {fhir_bytes/1e6:10.1f} {all_bytes/1e6/secs:10.1f} {peak_mb:10.1f} {cpu:8.1f}")
PY
  rm -rf "$work/out-$n"
done
