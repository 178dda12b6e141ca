#!/usr/bin/env bash
# Validate a folder of FHIR R4 JSON (NDJSON files and/or Bundles) with the shared
# FHIR schema oracle (HL7 R4 JSON Schema through ajv; see its README.md).
#
# usage: tests/oracles/fhir_schema.sh FOLDER [validate-fhir options...]
#
# The oracle is copied once into ${FOS_ORACLE_CACHE:-build/oracles}/fhir-schema
# (shared/ is read-only) and `npm ci` runs there once. Bulk Data manifests
# (manifest.json) are not FHIR resources, so they are left out of the check.
# Exit status: the validator's (0 all passed, 1 failures, 2 usage/setup error).
set -euo pipefail

if [[ $# -lt 1 || ! -d "$1" ]]; then
  echo "usage: $0 FOLDER [validate-fhir options...]" >&2
  exit 2
fi
folder=$1
shift

here=$(cd "$(dirname "$0")" && pwd)
shared=${FOS_SHARED_DIR:-"$here/../../../shared"}
source_dir="$shared/oracles/fhir-schema"
cache=${FOS_ORACLE_CACHE:-build/oracles}
oracle="$cache/fhir-schema"

if [[ ! -f "$source_dir/validate-fhir.mjs" ]]; then
  echo "$0: oracle not found at $source_dir (set FOS_SHARED_DIR)" >&2
  exit 2
fi

if [[ ! -f "$oracle/validate-fhir.mjs" ]]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/fhir-schema.tmp.XXXXXX")
  cp -R "$source_dir/." "$tmp/"
  chmod -R u+w,go+rX "$tmp"
  mv "$tmp" "$oracle" 2>/dev/null || rm -rf "$tmp"  # another run may have won the race
fi

if [[ ! -f "$oracle/node_modules/.fos-installed" ]]; then
  (cd "$oracle" && npm ci --silent --no-audit --no-fund)
  touch "$oracle/node_modules/.fos-installed"
fi

# The folder itself unless it holds manifests; then its FHIR files one by one.
inputs=()
if [[ -z "$(find "$folder" -name manifest.json -print -quit)" ]]; then
  inputs=("$folder")
else
  while IFS= read -r -d '' f; do inputs+=("$f"); done < <(
    find "$folder" -type f \( -name '*.ndjson' -o -name '*.json' -o -name '*.ndjson.gz' \
      -o -name '*.json.gz' \) ! -name manifest.json -print0 | sort -z)
  if [[ ${#inputs[@]} -eq 0 ]]; then
    echo "$0: no FHIR files in $folder" >&2
    exit 2
  fi
fi

exec node "$oracle/validate-fhir.mjs" "$@" "${inputs[@]}"
