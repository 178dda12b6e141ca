#!/bin/sh
# The official SQL on FHIR v2 test suite through its own harness (run-tests.mjs), against
# `fos flatten`, with the column-order check on. The suite is copied into the build tree.
#
# Fails unless at least MIN_PASSED cases of tests/ and all of tests-newer/ pass. The
# known shortfall (see docs/sof.md): the harness rewrites fixtures with JSON.stringify,
# which turns the decimal 1.0 into 1, so the two decimal lowBoundary/highBoundary cases
# cannot see the written precision; the in-process run in fos_sof_test checks them on
# the fixture text as written.
set -eu
: "${FOS:?FOS must name the fos binary}"
: "${FOS_SHARED_DIR:?FOS_SHARED_DIR must name the shared folder}"
: "${WORK_DIR:?WORK_DIR must name a scratch folder in the build tree}"
MIN_PASSED=${MIN_PASSED:-132}
NEWER_PASSED=${NEWER_PASSED:-7}

rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"
cp -R "$FOS_SHARED_DIR/oracles/sql-on-fhir/." "$WORK_DIR/"
chmod -R u+w "$WORK_DIR"
cd "$WORK_DIR"
command -v node >/dev/null || { echo "node is required for the SQL on FHIR harness" >&2; exit 1; }

run_suite() {  # $1 label, $2 minimum passes, remaining: extra harness options
  label=$1
  minimum=$2
  shift 2
  node run-tests.mjs --exit-zero "$@" \
    --cmd "'$FOS' --quiet flatten --view {view} --input {input} --format ndjson" >"$label.txt" 2>&1
  cat "$label.txt"
  last=$(tail -n 1 "$label.txt")
  passed=$(echo "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
  if [ -z "$passed" ]; then
    echo "FAIL $label: harness did not report a result line" >&2
    exit 1
  fi
  echo "$label: $passed passed (required: at least $minimum)"
  if [ "$passed" -lt "$minimum" ]; then
    echo "FAIL $label: only $passed passed" >&2
    exit 1
  fi
}

run_suite tests "$MIN_PASSED"
run_suite tests-newer "$NEWER_PASSED" --tests tests-newer
