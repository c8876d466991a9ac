# shellcheck shell=bash
# Shell helpers shared by the scripts of bench/peers (sourced, not run).
#
# The sourcing script sets ROOT (the repository) and DIR (where data and
# scratch files go) before calling them, and runs under `set -euo pipefail`.

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Installs R and psych (Debian packages) when Rscript or psych is missing, and
# hyperfine unless NO_HYPERFINE is set (without it, timing falls back to a
# bash loop).
ensure_tools() {
  if ! command -v Rscript >/dev/null ||
    ! Rscript -e 'quit(status = !requireNamespace("psych", quietly = TRUE))' >/dev/null 2>&1; then
    echo "installing R and psych" >&2
    as_root apt-get install -y r-base-core r-cran-psych >&2
  fi
  if [[ -z "${NO_HYPERFINE:-}" ]] && ! command -v hyperfine >/dev/null; then
    as_root apt-get install -y hyperfine >&2 || echo "no hyperfine: timing with a bash loop" >&2
  fi
}

# print_machine PSYSCORE: the "Machine" section of a report.
print_machine() {
  echo "## Machine"
  echo
  echo "- cores: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- RAM: $(free -g | awk '/^Mem:/ {print $2}') GB; $(Rscript --version 2>&1 | head -1); psych $(Rscript -e 'cat(format(packageVersion("psych")))')"
  echo "- psyscore: $1"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
}

# median_seconds RUNS WARMUP COMMAND...: median wall time of whole processes,
# standard output discarded.
median_seconds() {
  local runs=$1 warmup=$2
  shift 2
  if [[ -z "${NO_HYPERFINE:-}" ]] && command -v hyperfine >/dev/null; then
    local json="$DIR/hyperfine.json"
    hyperfine --runs "$runs" --warmup "$warmup" --style none --export-json "$json" \
      "$(printf '%q ' "$@") > /dev/null" >&2
    python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$json"
  else
    local i times=()
    for ((i = 0; i < warmup; ++i)); do "$@" >/dev/null; done
    for ((i = 0; i < runs; ++i)); do
      local t0 t1
      t0=$(date +%s.%N)
      "$@" >/dev/null
      t1=$(date +%s.%N)
      times+=("$(python3 -c "print($t1 - $t0)")")
    done
    printf '%s\n' "${times[@]}" | python3 -c 'import statistics,sys; print("%.4f" % statistics.median(float(x) for x in sys.stdin))'
  fi
}

# ratio A B: A / B to one decimal, or n/a when either is not a number.
ratio() {
  python3 -c 'import sys
try: print("%.1f" % (float(sys.argv[1]) / float(sys.argv[2])))
except (ValueError, ZeroDivisionError): print("n/a")' "$1" "$2"
}

# load1: the 1-minute load average.
load1() { cut -d' ' -f1 /proc/loadavg; }
