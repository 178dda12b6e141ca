# Shared helpers for the end-to-end test scripts. Usage: source lib.sh; FOS=path/to/fos.
set -euo pipefail
FOS=${FOS:?FOS must point to the fos binary}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fos-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

pass() { checks=$((checks + 1)); }
fail_check() { echo "FAIL: $*" >&2; failures=$((failures + 1)); checks=$((checks + 1)); }

# expect_error NAME PATTERN -- ARGS...: fos exits 2, prints one "fos: error:" line matching PATTERN.
expect_error() {
  local name=$1 pattern=$2
  shift 3
  local err rc=0
  err=$("$FOS" "$@" 2>&1 >/dev/null) || rc=$?
  if [[ $rc -ne 2 ]]; then
    fail_check "$name: exit $rc, expected 2 (stderr: $err)"
    return
  fi
  local first
  first=$(printf '%s\n' "$err" | head -1)
  if ! grep -qE -- "$pattern" <<<"$first"; then
    fail_check "$name: message '$first' does not match /$pattern/"
    return
  fi
  if [[ $first != "fos: error: "* ]]; then
    fail_check "$name: message does not start with 'fos: error: ': $first"
    return
  fi
  pass
}

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# check_fhir_schema DIR: every resource under DIR validates against the FHIR R4 JSON Schema
# (the oracle's summary line must say "N passed, 0 failed" with N > 0).
check_fhir_schema() {
  local dir=$1 log
  log=$(mktemp "$WORK/schema.XXXXXX")
  if "$e2e_dir/../oracles/fhir_schema.sh" "$dir" >"$log" 2>&1; then pass; else
    fail_check "FHIR schema validation of $dir failed: $(tail -5 "$log")"
  fi
  tail -1 "$log"
  grep -qE '^[1-9][0-9]* passed, 0 failed' <(tail -1 "$log") && pass || fail_check "schema summary: $(tail -1 "$log")"
}

# check_omop_and_cross_model RUN: RUN/omop.duckdb conforms to OMOP CDM 5.4 and the real
# vocabulary ($CONFORMANCE, $SHARED_DIR), and RUN's FHIR and OMOP describe the same events.
check_omop_and_cross_model() {
  local run=$1
  if "$CONFORMANCE" "$run/omop.duckdb" "$SHARED_DIR" >"$WORK/conformance.log" 2>&1; then pass; else
    fail_check "OMOP conformance failed: $(head -20 "$WORK/conformance.log")"
  fi
  tail -3 "$WORK/conformance.log"
  if python3 "$e2e_dir/cross_model.py" "$run" >"$WORK/cross.log" 2>&1; then pass; else
    fail_check "FHIR and OMOP disagree: $(head -20 "$WORK/cross.log")"
  fi
  cat "$WORK/cross.log"
}

finish() {
  echo "$checks checks, $failures failed"
  [[ $failures -eq 0 ]]
}
