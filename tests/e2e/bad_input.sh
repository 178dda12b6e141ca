#!/usr/bin/env bash
# Bad input: every mistake exits 2 with one clear line naming the option, file or key,
# and leaves no partial output behind.
source "$(dirname "$0")/lib.sh"
out="$WORK/out"
common=(generate --reference-date 2024-01-01 --out "$out")

expect_error negative_population '--population: expected a positive whole number' -- "${common[@]}" -p -5
expect_error text_population "--population: expected a positive whole number, got 'ten'" -- "${common[@]}" -p ten
expect_error zero_population '--population' -- "${common[@]}" -p 0
expect_error shard_out_of_range "--shard: expected i/N with 1 <= i <= N, got '4/3'" -- "${common[@]}" -p 10 --shard 4/3
expect_error shard_malformed '--shard' -- "${common[@]}" -p 10 --shard two
expect_error bad_date "--reference-date: expected YYYY-MM-DD, got '2024-02-30'" -- generate --out "$out" -p 10 --reference-date 2024-02-30
expect_error bad_fhir "--fhir: expected ndjson, bundles or none, got 'xml'" -- "${common[@]}" -p 10 --fhir xml
expect_error bad_omop "--omop: expected csv, parquet, duckdb or none, got 'excel'" -- "${common[@]}" -p 10 --omop csv,excel
expect_error nothing_to_write 'nothing to write' -- "${common[@]}" -p 10 --fhir none --omop none
expect_error missing_config "--config: '$WORK/nope' is not a folder" -- "${common[@]}" -p 10 --config "$WORK/nope"
expect_error unknown_flag 'frobnicate' -- generate --frobnicate

# Config files: malformed YAML, an unknown key, an unreadable file.
mkdir -p "$WORK/cfg-malformed" "$WORK/cfg-unknown" "$WORK/cfg-unreadable"
printf 'age_groups: [1, 2\nsex: {\n' >"$WORK/cfg-malformed/demographics.yaml"
expect_error malformed_yaml 'demographics.yaml: line [0-9]+' -- "${common[@]}" -p 10 --config "$WORK/cfg-malformed"
{ echo 'frobnicate_key: 3'; cat "$CONFIG_DIR/demographics.yaml"; } >"$WORK/cfg-unknown/demographics.yaml"
expect_error unknown_key "demographics.yaml: line 1: unknown key 'frobnicate_key'" -- "${common[@]}" -p 10 --config "$WORK/cfg-unknown"
mkdir "$WORK/cfg-unreadable/demographics.yaml"  # a folder where a file belongs: unreadable as a file
expect_error unreadable_config 'demographics.yaml' -- "${common[@]}" -p 10 --config "$WORK/cfg-unreadable"

# None of the failures above may have left output behind.
if [[ -e $out ]] && [[ -n $(ls -A "$out" 2>/dev/null) ]]; then
  fail_check "failed runs left files in $out: $(ls -A "$out")"
else
  pass
fi

# An output folder that cannot be written: a path below a regular file.
touch "$WORK/a-file"
expect_error unwritable_out 'a-file' -- generate -p 5 --reference-date 2024-01-01 --out "$WORK/a-file/out"
expect_error out_is_file 'a-file' -- generate -p 5 --reference-date 2024-01-01 --out "$WORK/a-file"

# A failed run keeps the previous run's files intact.
"$FOS" generate -q -p 5 --reference-date 2024-01-01 --out "$out" --omop csv
before=$(cd "$out" && find . -type f | sort | xargs md5sum)
expect_error failed_rerun 'unknown key' -- generate -p 5 --reference-date 2024-01-01 --out "$out" --config "$WORK/cfg-unknown"
after=$(cd "$out" && find . -type f | sort | xargs md5sum)
[[ $before == "$after" ]] && pass || fail_check "a failed run changed the previous output"

# Help and version exit 0.
"$FOS" --help >/dev/null && pass || fail_check "--help failed"
"$FOS" generate --help | grep -q -- '--population' && pass || fail_check "generate --help lacks --population"
"$FOS" pipeline run --help | grep -q -- '--seed' && pass || fail_check "pipeline run --help lacks --seed"
"$FOS" --version | grep -qE '^fos [0-9]+\.[0-9]+\.[0-9]+' && pass || fail_check "--version"
finish
