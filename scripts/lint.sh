#!/usr/bin/env bash
# Lint: clang-format (must be clean) and clang-tidy (with .clang-tidy) over the project's sources.
# Usage: scripts/lint.sh [BUILD_DIR]   (BUILD_DIR holds compile_commands.json; default build)
#        scripts/lint.sh --format-only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t sources < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'bench/*.cpp' 'tests/*.cpp')

echo "clang-format: ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}"

[[ ${1:-} == --format-only ]] && exit 0
build=${1:-build}
mapfile -t units < <(git ls-files 'src/*.cpp' | grep -v '_test.cpp$')
echo "clang-tidy: ${#units[@]} files"
printf '%s\n' "${units[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet 2>/dev/null
