#!/usr/bin/env bash
# `--vocab DIR` benchmark: writes a synthetic Athena-format folder of realistic size into a
# temporary folder (fos's own vocab/ tables plus CONCEPTS synthetic concepts, RELATIONSHIPS
# CONCEPT_RELATIONSHIP rows and ANCESTORS CONCEPT_ANCESTOR rows), then runs `fos to-omop` on
# a small generated FHIR population with and without --vocab. Reports the folder's size, the
# time and peak resident memory (/usr/bin/time -v) of both runs; their difference is the cost
# of loading the vocabulary.
#
# Usage: bench/athena_vocab.sh   Environment: FOS (binary), CONCEPTS (default 5000000),
# RELATIONSHIPS (30000000), ANCESTORS (30000000), PATIENTS (20), KEEP (a folder to keep the
# generated vocabulary and FHIR in, reused when present).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
FOS=${FOS:-$root/build/src/cli/fos}
CONCEPTS=${CONCEPTS:-5000000}
RELATIONSHIPS=${RELATIONSHIPS:-30000000}
ANCESTORS=${ANCESTORS:-30000000}
PATIENTS=${PATIENTS:-20}
work=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/fos-bench-athena.XXXXXX")}
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
vocab=$work/athena

if [[ ! -f $vocab/done ]]; then
  mkdir -p "$vocab"
  cp "$root"/vocab/*.csv "$vocab"/
  # Synthetic concepts get ids from 1,000,000,000 on (fos's own are below), in the usual
  # vocabularies; every fifth is non-standard and maps to the next one.
  awk -v n="$CONCEPTS" 'BEGIN {
    split("SNOMED|ICD10CM|LOINC|RxNorm|RxNorm Extension|NDC", v, "|");
    split("Condition Observation Measurement Drug Procedure Device", d, " ");
    split("Clinical Finding|4-char billing code|Lab Test|Clinical Drug|Procedure|Device", c, "|");
    for (i = 0; i < n; i++) {
      k = i % 6; id = 1000000000 + i;
      printf "%d\tSynthetic concept number %d with a name of typical length for %s\t%s\t%s\t%s\t%s\tSYN%d\t20020131\t20991231\t\n",
        id, i, d[k + 1], d[k + 1], v[k + 1], c[k + 1], (i % 5 == 0 ? "" : "S"), i
    } }' >> "$vocab/CONCEPT.csv"
  awk -v n="$RELATIONSHIPS" -v m="$CONCEPTS" 'BEGIN {
    split("Maps to|Mapped from|Is a|Subsumes|RxNorm has dose form|Has finding site", r, "|");
    for (i = 0; i < n; i++) {
      a = 1000000000 + (i % m); b = 1000000000 + ((i * 7 + 1) % m); k = int(i / m) % 6;
      printf "%d\t%d\t%s\t20170131\t20991231\t%s\n", a, b, r[k + 1], (i % 97 == 0 ? "D" : "")
    } }' >> "$vocab/CONCEPT_RELATIONSHIP.csv"
  awk -v n="$ANCESTORS" -v m="$CONCEPTS" 'BEGIN {
    for (i = 0; i < n; i++) {
      a = 1000000000 + (i % m); b = 1000000000 + ((i * 13 + 5) % m); l = i % 7;
      printf "%d\t%d\t%d\t%d\n", a, b, l, l + 1
    } }' >> "$vocab/CONCEPT_ANCESTOR.csv"
  printf 'concept_id\tconcept_synonym_name\tlanguage_concept_id\n' > "$vocab/CONCEPT_SYNONYM.csv"
  touch "$vocab/done"
fi
if [[ ! -d $work/gen/fhir ]]; then
  "$FOS" generate -q -p "$PATIENTS" -s 1 --reference-date 2025-01-01 --omop none --out "$work/gen"
fi

vocab_mb=$(du -sm --exclude=done "$vocab" | cut -f1)
echo "Athena folder: $vocab_mb MB ($CONCEPTS + fos's concepts, $RELATIONSHIPS + fos's relationships, $ANCESTORS + fos's ancestors); FHIR: $PATIENTS patients"
printf '%-14s %9s %9s %8s\n' run seconds peak_MB cpu_s
run() {
  local name=$1
  shift
  rm -rf "$work/out"
  /usr/bin/time -v -o "$work/time" "$FOS" to-omop -q --input "$work/gen/fhir" --out "$work/out" \
    --format csv --reference-date 2025-01-01 "$@"
  awk -v name="$name" -F': ' '
    /Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]}
    /Maximum resident set size/ {k = $2}
    /User time|System time/ {c += $2}
    END {printf "%-14s %9.2f %9.0f %8.2f\n", name, s, k / 1024, c}' "$work/time"
}
run built-in
run "--vocab" --vocab "$vocab"
wc -l < "$work/out/omop/concept.csv" | awk '{print "concept rows written with --vocab: " $1 - 1}'
