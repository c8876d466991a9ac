#!/usr/bin/env bash
# Whole-process timing of psyscore against R (read.csv + psych::alpha) on the
# same synthetic MBI-HSS data. Not a test and not part of `make test`; results
# and the machine they were measured on: docs/performance.md, "Whole process
# against R". Scoring against psych::scoreItems: score_vs_r.sh.
#
# Usage (from anywhere):
#   bench/peers/alpha_vs_r.sh [PSYSCORE] [DATA_DIR]
#     PSYSCORE  psyscore binary (default: build/release/cli/psyscore of this
#               repository; the script builds nothing)
#     DATA_DIR  where the CSVs and R scripts go (default: a new temp dir, kept)
# Environment:
#   RUNS=5         timed runs of every psyscore case and of R on 200,000 rows
#   R_BOOT_RUNS=3  timed runs of the slow R bootstrap case
#   KERNEL_BIN=    bench/peers/kernel_time.cpp as built with the benchmarks
#                  (default: build/release/bench/kernel_time); gives
#                  psyscore's side of row (b). Without it that cell is n/a.
#   NO_HYPERFINE=1 time with a bash loop (date +%s.%N) instead of hyperfine
#
# Cases (all three MBI-HSS subscales, EE/DP/PA, in both programs):
#   (a) whole process, 200,000 x 22, 2% empty cells:
#       Rscript: read.csv + three psych::alpha calls
#       psyscore reliability -i mbi-hss data.csv (does MORE: omega total and
#       split-half over every split, per subscale, and JSON output)
#   (b) in process, data already loaded: the three psych::alpha calls timed
#       with system.time inside R vs psyscore::reliability() on the decoded
#       responses (kernel_time)
#   (c) whole process, 1000-resample bootstrap of alpha on 10,000 x 22:
#       psych::alpha(n.iter = 1000) x 3 vs psyscore reliability --bootstrap 1000,
#       with 2% empty cells (pairwise) and on complete data
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PSYSCORE="$(realpath "${1:-$ROOT/build/release/cli/psyscore}")"
DIR="${2:-$(mktemp -d /tmp/psyscore-vs-r.XXXXXX)}"
RUNS="${RUNS:-5}"
R_BOOT_RUNS="${R_BOOT_RUNS:-3}"
KERNEL_BIN="${KERNEL_BIN:-$ROOT/build/release/bench/kernel_time}"
[[ -x "$KERNEL_BIN" ]] || KERNEL_BIN=""
INSTRUMENT="$ROOT/instruments/mbi-hss.json"

[[ -x "$PSYSCORE" ]] || { echo "psyscore binary not found: $PSYSCORE (build it first)" >&2; exit 1; }
mkdir -p "$DIR"
DIR="$(realpath "$DIR")"

# shellcheck source=bench/peers/common.sh
source "$ROOT/bench/peers/common.sh"
ensure_tools

# --- the machine ---------------------------------------------------------
print_machine "$PSYSCORE"

# --- data ------------------------------------------------------------------
BIG="$DIR/mbi_200000.csv"
SMALL="$DIR/mbi_10000.csv"
SMALL_COMPLETE="$DIR/mbi_10000_complete.csv"
[[ -s "$BIG" ]] || python3 "$ROOT/bench/peers/make_data.py" "$BIG" --n 200000
[[ -s "$SMALL" ]] || python3 "$ROOT/bench/peers/make_data.py" "$SMALL" --n 10000
[[ -s "$SMALL_COMPLETE" ]] || python3 "$ROOT/bench/peers/make_data.py" "$SMALL_COMPLETE" --n 10000 --missing 0

# Subscale items from the instrument definition, as R column names (read.csv
# turns the header "1" into "X1").
R_SUBSCALES="$(python3 - "$INSTRUMENT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("list(" + ", ".join(
    f'{s["id"]} = c(' + ", ".join(f'"X{i}"' for i in s["items"]) + ")" for s in d["subscales"]) + ")")
PY
)"

# --- R scripts ---------------------------------------------------------------
cat > "$DIR/whole.R" <<R
args <- commandArgs(trailingOnly = TRUE)
subscales <- $R_SUBSCALES
d <- read.csv(args[1])
n.iter <- if (length(args) > 1) as.integer(args[2]) else 1
for (s in names(subscales)) {
  a <- psych::alpha(d[, subscales[[s]]], n.iter = n.iter)
  cat(s, format(a\$total\$raw_alpha, digits = 16), "\n")
}
R
cat > "$DIR/kernel.R" <<R
args <- commandArgs(trailingOnly = TRUE)
subscales <- $R_SUBSCALES
d <- read.csv(args[1])
runs <- as.integer(args[2])
three <- function() for (s in names(subscales)) psych::alpha(d[, subscales[[s]]])
three()  # warm-up: loads psych and its lazy objects
elapsed <- replicate(runs, system.time(three())[["elapsed"]])
cat(sprintf("%.4f", median(elapsed)), "\n", sep = "")
R

# --- sanity: both compute the same alphas ------------------------------------
echo "## Raw alpha, R vs psyscore (200,000 x 22)"
echo
Rscript "$DIR/whole.R" "$BIG" > "$DIR/r_alpha.txt"
"$PSYSCORE" reliability -i mbi-hss "$BIG" > "$DIR/psyscore_200000.json"
python3 - "$DIR/r_alpha.txt" "$DIR/psyscore_200000.json" <<'PY'
import json, sys
r = {line.split()[0]: float(line.split()[1]) for line in open(sys.argv[1]) if line.strip()}
p = {s["id"]: s["raw_alpha"] for s in json.load(open(sys.argv[2]))["subscales"]}
print("| subscale | R | psyscore | relative difference |\n|---|---:|---:|---:|")
worst = 0.0
for s in r:
    difference = abs(r[s] - p[s]) / abs(r[s])
    worst = max(worst, difference)
    print(f"| {s} | {r[s]:.12f} | {p[s]:.12f} | {difference:.1e} |")
if sorted(r) != sorted(p) or worst > 1e-9:
    sys.exit("R and psyscore disagree (subscales or raw alpha beyond 1e-9 relative): not timing")
PY
echo

# --- timing --------------------------------------------------------------------
loads=""
loads+="(a) $(cut -d' ' -f1 /proc/loadavg); "
echo "timing (a) whole process, 200,000 x 22 ..." >&2
r_a=$(median_seconds "$RUNS" 0 Rscript "$DIR/whole.R" "$BIG")
p_a=$(median_seconds "$RUNS" 1 "$PSYSCORE" reliability -i mbi-hss "$BIG")

loads+="(b) $(cut -d' ' -f1 /proc/loadavg); "
echo "timing (b) in process, 200,000 x 22 ..." >&2
r_b=$(Rscript "$DIR/kernel.R" "$BIG" "$RUNS")
p_b=n/a
p_decode=n/a
if [[ -n "$KERNEL_BIN" ]]; then
  "$KERNEL_BIN" "$INSTRUMENT" "$BIG" $((RUNS + 1)) > "$DIR/kernel_time.txt"
  read -r p_decode p_b < <(tail -n +2 "$DIR/kernel_time.txt" | python3 -c '
import statistics, sys
rows = [list(map(float, line.split())) for line in sys.stdin]
print("%.4f %.4f" % (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)))')
fi

loads+="(c) $(cut -d' ' -f1 /proc/loadavg); "
echo "timing (c) bootstrap 1000, 10,000 x 22 ..." >&2
r_c=$(median_seconds "$R_BOOT_RUNS" 0 Rscript "$DIR/whole.R" "$SMALL" 1000)
p_c=$(median_seconds "$RUNS" 1 "$PSYSCORE" reliability -i mbi-hss --bootstrap 1000 "$SMALL")
r_c0=$(median_seconds "$R_BOOT_RUNS" 0 Rscript "$DIR/whole.R" "$SMALL_COMPLETE" 1000)
p_c0=$(median_seconds "$RUNS" 1 "$PSYSCORE" reliability -i mbi-hss --bootstrap 1000 "$SMALL_COMPLETE")

echo "## Median wall seconds (EE, DP and PA in both)"
echo
echo "| case | R | psyscore | R / psyscore |"
echo "|---|---:|---:|---:|"
echo "| (a) whole process, 200,000 x 22, 2% missing ($RUNS runs each) | $r_a | $p_a | $(ratio "$r_a" "$p_a") |"
echo "| (b) in process after loading, 200,000 x 22 ($RUNS runs each; psyscore decode: $p_decode s) | $r_b | $p_b | $(ratio "$r_b" "$p_b") |"
echo "| (c) whole process, bootstrap 1000, 10,000 x 22, 2% missing (R $R_BOOT_RUNS runs, psyscore $RUNS) | $r_c | $p_c | $(ratio "$r_c" "$p_c") |"
echo "| (c) whole process, bootstrap 1000, 10,000 x 22, complete (R $R_BOOT_RUNS runs, psyscore $RUNS) | $r_c0 | $p_c0 | $(ratio "$r_c0" "$p_c0") |"
echo
echo "1-minute load average before each case: ${loads}at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data and R scripts: $DIR"
