#!/usr/bin/env bash
# The two rules of CONTRIBUTING.md that a machine checks (make lint, in CI):
# clang-format (the root .clang-format) would change no tracked C++ file, and
# clang-tidy (the root .clang-tidy) finds nothing in the engine, scoring/.
# Usage: tests/lint/run.sh BUILD_DIR [JOBS]; BUILD_DIR has compile_commands.json.
set -euo pipefail
build=$1
jobs=${2:-$(nproc)}
cd "$(dirname "$0")/../.."

unformatted=$(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc' | xargs clang-format --dry-run 2>&1 | grep -c 'warning:' || true)
if [ "$unformatted" != 0 ]; then
  git ls-files '*.cpp' '*.hpp' '*.h' '*.cc' | xargs clang-format --dry-run 2>&1 | grep 'warning:' | cut -d: -f1 | sort -u |
    sed 's/^/clang-format would change: /'
  echo "lint: run clang-format -i on those files"
  exit 1
fi
echo "clang-format: every file as formatted"

# GCC's compile commands name a few warning flags clang does not know, and
# libstdc++ 12 calls its own deprecated std::get_temporary_buffer under clang.
run-clang-tidy-19 -p "$build" -j "$jobs" -quiet -extra-arg=-Wno-unknown-warning-option \
  -extra-arg=-Wno-deprecated-declarations \
  "$(pwd)/scoring/.*\.cpp$" > "$build/clang-tidy.log" 2>&1 || {
  grep -E 'warning:|error:' "$build/clang-tidy.log" | sort -u | head -50
  echo "lint: clang-tidy found the problems above (all of it in $build/clang-tidy.log)"
  exit 1
}
echo "clang-tidy: nothing found in scoring/"
