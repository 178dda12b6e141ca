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

finish() {
  echo "$checks checks, $failures failed"
  [[ $failures -eq 0 ]]
}
