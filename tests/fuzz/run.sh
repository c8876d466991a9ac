#!/usr/bin/env bash
# Runs the libFuzzer targets under ASan and UBSan, each for FUZZ_SECONDS
# (default 60): what `make fuzz` does after building the `fuzz` preset.
#
#   tests/fuzz/run.sh <build dir> [target...]      (no target: all of targets.txt)
#
# Each target's corpus grows in <build dir>/fuzz-corpus/<target>/, seeded
# from tests/fuzz/seeds/<target>/, its saved regressions and the fixtures
# named in targets.txt. An input that crashes, hangs (10 s) or breaks an
# invariant is saved to tests/fuzz/regressions/<target>/, where `make test`
# replays it: commit it with the fix. Exits 1 when any target found one.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: run.sh <build dir> [target...]}" && pwd)
shift
seconds=${FUZZ_SECONDS:-60}

# libFuzzer takes one dictionary: JSON syntax plus the target's words.
dictionaries() {
  case "$1" in
    instrument) echo json instrument ;;
    json_responses) echo json responses ;;
    csv_responses) echo responses ;;
    options) echo json options ;;
    router) echo json router options responses ;;
    waves_csv) echo responses ;;
    spss_responses | stata_responses | sas_responses) echo responses ;;
  esac
}

symbolizer=$(command -v llvm-symbolizer-19 || command -v llvm-symbolizer || true)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1${symbolizer:+:external_symbolizer_path=$symbolizer}}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
while read -r target fixtures; do
  [[ -z "$target" || "$target" == \#* ]] && continue
  if (($# > 0)) && [[ " $* " != *" $target "* ]]; then continue; fi
  fuzzer="$build/tests/fuzz/fuzz_$target"
  if [[ ! -x "$fuzzer" ]]; then
    echo "run.sh: $fuzzer is not built (cmake --build --preset fuzz)" >&2
    exit 2
  fi
  corpus="$build/fuzz-corpus/$target"
  regressions="$root/tests/fuzz/regressions/$target"
  mkdir -p "$corpus" "$regressions" "$build/fuzz-logs"
  dict="$build/fuzz-logs/$target.dict"
  : > "$dict"
  for d in $(dictionaries "$target"); do cat "$root/tests/fuzz/dicts/$d.dict" >> "$dict"; done
  seeds=("$root/tests/fuzz/seeds/$target" "$regressions")
  for f in $fixtures; do seeds+=("$root/$f"); done

  log="$build/fuzz-logs/$target.log"
  echo "== $target: ${seconds}s, log in $log"
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$regressions/" -dict="$dict" "$corpus" "${seeds[@]}" > "$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  summary+=("$(printf '%-15s %10s runs %7s exec/s %6s MB  %s' "$target" "${runs:-?}" "${speed:-?}" "${rss:-?}" "$coverage")")
  if ((status != 0)); then
    failed+=("$target")
    grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*invariant broken)|artifact_prefix|Test unit written' "$log" | head -5
  fi
done < "$root/tests/fuzz/targets.txt"

echo
printf '%s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "fuzzing found problems in: ${failed[*]}; the inputs are in tests/fuzz/regressions/ (logs: $build/fuzz-logs/)"
  exit 1
fi
