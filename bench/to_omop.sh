#!/usr/bin/env bash
# FHIR -> OMOP benchmark: `fos to-omop` on fos-generated Bulk NDJSON. For each population
# size, reports MB of NDJSON, resources, seconds, MB/s, resources/s and peak resident memory
# (/usr/bin/time -v), so that two sizes show whether memory grows with the number of patients.
#
# Usage: bench/to_omop.sh [POPULATION...]   (default: 4000 17000; 17000 patients with fos's
# modules is > 1 GB of NDJSON). Environment: FOS (binary), MODULES (--modules folder, default
# the repository's modules/), THREADS (to-omop --threads, default 0 = one per core),
# FORMAT (to-omop --format, default csv), KEEP (a folder to keep the generated FHIR in).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
FOS=${FOS:-$root/build/src/cli/fos}
MODULES=${MODULES:-$root/modules}
THREADS=${THREADS:-0}
FORMAT=${FORMAT:-csv}
populations=("$@")
[[ ${#populations[@]} -gt 0 ]] || populations=(4000 17000)
work=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/fos-bench-to-omop.XXXXXX")}
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT

printf '%-10s %9s %11s %8s %8s %12s %9s %8s %10s\n' patients MB resources seconds MB/s resources/s \
  peak_MB cpu_s MB/cpu_s
for n in "${populations[@]}"; do
  fhir=$work/gen-$n/fhir
  if [[ ! -d $fhir ]]; then
    args=(generate -q -p "$n" -s 1 --reference-date 2025-01-01 --omop none --out "$work/gen-$n")
    [[ -d $MODULES ]] && args+=(--modules "$MODULES")
    "$FOS" "${args[@]}"
  fi
  bytes=$(cat "$fhir"/*.ndjson | wc -c)
  resources=$(cat "$fhir"/*.ndjson | wc -l)
  rm -rf "$work/out-$n"
  /usr/bin/time -v -o "$work/time-$n" "$FOS" to-omop -q --input "$fhir" --out "$work/out-$n" \
    --format "$FORMAT" --threads "$THREADS" --reference-date 2025-01-01
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/time-$n")
  peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n")
  # CPU seconds (user + system): on a shared machine, wall time depends on the other load.
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time-$n")
  awk -v n="$n" -v b="$bytes" -v r="$resources" -v s="$seconds" -v k="$peak_kb" -v c="$cpu" 'BEGIN {
    printf "%-10d %9.0f %11d %8.2f %8.1f %12.0f %9.0f %8.2f %10.1f\n", n, b / 1e6, r, s, b / 1e6 / s,
      r / s, k / 1024, c, b / 1e6 / c }'
  rm -rf "$work/out-$n"
done
