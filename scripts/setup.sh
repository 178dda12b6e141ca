#!/usr/bin/env bash
# Install everything fos needs to build and test, idempotently.
#   - Debian packages (apt), only those missing; quiet when all are present.
#   - DuckDB 1.4.4 (libduckdb.so + duckdb.h) from the npm registry, pinned and
#     integrity-checked, unpacked into third_party/duckdb/ (git-ignored).
# Set FOS_DUCKDB_DIR to a folder holding lib/libduckdb.so and include/duckdb.h
# to use a DuckDB installed elsewhere instead.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libsimdjson-dev libyaml-cpp-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libzstd-dev libsqlite3-dev libavro-dev libpq-dev
  python3-avro clang-format clang-tidy nodejs npm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# node and npm may come from outside Debian's packages; accept any working ones.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# DuckDB from npm: the prebuilt library and the matching C header.
dest="$root/third_party/duckdb"
if [[ -n ${FOS_DUCKDB_DIR:-} ]]; then
  exit 0
fi
if [[ -f $dest/lib/libduckdb.so && -f $dest/include/duckdb.h && -f $dest/VERSION ]] &&
  [[ $(cat "$dest/VERSION") == "1.4.4-r.4" ]]; then
  exit 0
fi

lib_pkg="@duckdb/node-bindings-linux-x64@1.4.4-r.4"
lib_sri="sha512-jBTL/WvfwxLToFa/pVHfT6elMtltJGnc3wSuxZD9OfMltit9YUdVFS37vBFQzXMT1Z8OWjtSjMh+zPKxOwHLHA=="
hdr_pkg="duckdb@1.4.4"
hdr_sri="sha512-hEJJ5hyVF0VLj3dmOLpsWrQR0b3d4Ykqtygm6iUXjHJDDnSqg/USKxcb5qvNrOhFYPgktayU6dXCtgPqcmmpog=="

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # fetch PACKAGE SRI -> prints tarball path
  local pkg=$1 sri=$2 file
  file=$(cd "$work" && npm pack --silent "$pkg" 2>/dev/null | tail -1)
  local got="sha512-$(openssl dgst -sha512 -binary "$work/$file" | base64 -w0)"
  if [[ $got != "$sri" ]]; then
    echo "setup: integrity check failed for $pkg (expected $sri, got $got)" >&2
    exit 2
  fi
  echo "$work/$file"
}

echo "setup: fetching DuckDB 1.4.4 from the npm registry" >&2
lib_tgz=$(fetch "$lib_pkg" "$lib_sri")
hdr_tgz=$(fetch "$hdr_pkg" "$hdr_sri")

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/lib" "$dest.tmp/include"
tar -xzf "$lib_tgz" -C "$work" package/libduckdb.so
mv "$work/package/libduckdb.so" "$dest.tmp/lib/"
tar -xzf "$hdr_tgz" -C "$work" package/src/duckdb/src/include/duckdb.h
mv "$work/package/src/duckdb/src/include/duckdb.h" "$dest.tmp/include/"
echo "1.4.4-r.4" >"$dest.tmp/VERSION"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "setup: DuckDB ready in $dest" >&2
