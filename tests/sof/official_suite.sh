#!/bin/sh
# The official SQL on FHIR v2 test suite through its own harness (run-tests.mjs), against
# `fos flatten`, with the column-order check on. The suite is copied into the build tree.
#
# Two runs of each folder. First as the harness gives the input ({input}: the fixture
# resources re-serialized with JSON.stringify, which writes the decimal 1.0 as 1, so the two
# decimal lowBoundary/highBoundary cases cannot see the written precision): at least
# MIN_PASSED of tests/ and all of tests-newer/ must pass, and the only failures allowed are
# those two. Then with the fixture resources as the test file writes them
# (verbatim_resources.py, reading the file the harness names in $SOF_TEST_FILE; the view still
# comes from the harness): every case must pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
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

harness_input="'$FOS' --quiet flatten --view {view} --input {input} --format ndjson"

# $1 label, $2 minimum passes, $3 command (run-tests.mjs --cmd), remaining: harness options
run_suite() {
  label=$1
  minimum=$2
  command=$3
  shift 3
  node run-tests.mjs --exit-zero "$@" --cmd "$command" >"$label.txt" 2>&1
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

verbatim() {  # the run-tests.mjs command reading the resources of test folder $1 as written
  echo "python3 '$here/verbatim_resources.py' '$WORK_DIR/$1' >{dir}/verbatim.ndjson &&" \
    "'$FOS' --quiet flatten --view {view} --input {dir}/verbatim.ndjson --format ndjson"
}

run_suite tests "$MIN_PASSED" "$harness_input"
# Of the harness-input run, only the two decimal boundary cases may fail.
# (The harness prints "FAIL  <file>  passed/total", then "  - <title>: why" per failing case.)
unexpected=$({
  grep -E '^FAIL ' tests.txt | grep -v -E '^FAIL +fn_boundary\.json ' || true
  grep -E '^ +- ' tests.txt | grep -v -E '^ +- decimal (low|high)Boundary: ' || true
})
if [ -n "$unexpected" ]; then
  echo "FAIL tests: unexpected failures: $unexpected" >&2
  exit 1
fi
run_suite tests-newer "$NEWER_PASSED" "$harness_input" --tests tests-newer
run_suite tests-verbatim 134 "$(verbatim tests)"
run_suite tests-newer-verbatim 7 "$(verbatim tests-newer)" --tests tests-newer
