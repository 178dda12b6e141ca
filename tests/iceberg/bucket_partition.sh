#!/usr/bin/env bash
# bucket[N] partition writes: the hash is Iceberg's Murmur3 (Appendix B) of the value as an
# 8-byte long (ints, longs, dates as days, timestamps as microseconds) or of a string's UTF-8
# bytes. With N = 1000000007 the partition value is (hash & 0x7fffffff) mod N, so the
# spec's published hashes can be checked in the data paths: 34 -> 2017239379, the date
# 2017-11-16 as 17486 days -> -653330422, 2017-11-16T22:31:08 as micros -> -2047944441; and
# bucket[4] of 1..4 is 0,0,3,2 as Spark wrote it. check-iceberg --strict recomputes every
# partition value with its own Murmur3 from the rows.
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/oracle_lib.sh"

wh="$WORK/wh"
"$FOS" query --warehouse "$wh" --append-to t.vectors --partition 'bucket[1000000007](v)' \
  "SELECT * FROM (VALUES (34::BIGINT), (17486), (1510871468000000)) t(v)" >/dev/null
for hash in 2017239379 -653330422 -2047944441; do
  expected=$(((hash & 0x7fffffff) % 1000000007))
  [[ -d "$wh/t/vectors/data/v_bucket=$expected" ]] && pass ||
    fail_check "no partition v_bucket=$expected: $(ls "$wh/t/vectors/data")"
done
node "$oracle/check-iceberg.mjs" "$wh/t/vectors" --strict --expect-rows 3 >"$WORK/v.log" 2>&1 && pass ||
  fail_check "vectors: $(tail -3 "$WORK/v.log")"

# String, date and timestamp sources: the string as its UTF-8 bytes ("iceberg" -> 1210000089),
# the date as days and the timestamp as microseconds (hashed as longs); the partition value
# is (hash & 0x7fffffff) mod N = 1000000007. The checker recomputes them (a null source gives
# a null partition: unit test Table.BucketOfStringDateAndTimestampColumns).
"$FOS" query --warehouse "$wh" --append-to t.typed --partition 'bucket[1000000007](s)' \
  --partition 'bucket[1000000007](d)' --partition 'bucket[1000000007](ts)' \
  "SELECT * FROM (VALUES ('iceberg', DATE '2017-11-16', TIMESTAMP '2017-11-16 22:31:08'),
     ('héllo wörld', DATE '1950-01-01', TIMESTAMP '1969-12-31 23:59:59.999999'),
     ('', DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00')) t(s, d, ts)" >/dev/null
b() { echo $((($1 & 0x7fffffff) % 1000000007)); }
expected="s_bucket=$(b 1210000089)/d_bucket=$(b -653330422)/ts_bucket=$(b -2047944441)"
[[ -d "$wh/t/typed/data/$expected" ]] && pass ||
  fail_check "no partition $expected: $(cd "$wh/t/typed/data" && find . -type d | sort | tr '\n' ' ')"
node "$oracle/check-iceberg.mjs" "$wh/t/typed" --strict --expect-rows 3 >"$WORK/typed.log" 2>&1 && pass ||
  fail_check "typed buckets: $(tail -3 "$WORK/typed.log")"

"$FOS" query --warehouse "$wh" --append-to t.spark --partition 'bucket[4](id)' \
  "SELECT range::INTEGER AS id FROM range(1, 5)" >/dev/null
got=$(ls "$wh/t/spark/data" | sort | tr '\n' ' ')
[[ $got == "id_bucket=0 id_bucket=2 id_bucket=3 " ]] && pass || fail_check "bucket[4] of 1..4: $got"
for b in 0 2 3; do
  ids=$("$FOS" query --format csv --warehouse "$wh" \
    "SELECT string_agg(id::VARCHAR, ' ' ORDER BY id) FROM read_parquet('$wh/t/spark/data/id_bucket=$b/*.parquet')" | tail -1)
  case $b in 0) want="1 2" ;; 2) want="4" ;; 3) want="3" ;; esac
  [[ $ids == "$want" ]] && pass || fail_check "bucket $b holds '$ids', expected '$want'"
done

# A larger table with two partition fields and two appends passes the checker.
for run in 1 2; do
  "$FOS" query --warehouse "$wh" --append-to t.mixed --partition 'bucket[8](person_id)' \
    --partition 'identity(kind)' \
    "SELECT range * 7919 - 100000 AS person_id, (range % 3)::INTEGER AS kind, 'p' || range AS note FROM range(500)" >/dev/null
done
node "$oracle/check-iceberg.mjs" "$wh/t/mixed" --strict --expect-rows 1000 --expect-snapshots 2 \
  >"$WORK/m.log" 2>&1 && pass || fail_check "mixed: $(tail -3 "$WORK/m.log")"

expect_error "bad partition" "expected TRANSFORM\(COLUMN\)" -- \
  query --warehouse "$wh" --append-to t.bad --partition 'bucket[4]' "SELECT 1 AS a"
expect_error "unknown partition column" "unknown column 'b'" -- \
  query --warehouse "$wh" --append-to t.bad --partition 'bucket[4](b)' "SELECT 1 AS a"
finish
