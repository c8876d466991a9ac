#!/usr/bin/env bash
# Whole-process timing of `psyscore score` against R (read.csv +
# psych::scoreItems, or psych::scoreFast, + write.csv) on the same synthetic
# MBI-HSS data as alpha_vs_r.sh. Not a test and not part of `make test`;
# results and the machine: docs/performance.md, "Whole process against R".
#
# Usage (from anywhere):
#   bench/peers/score_vs_r.sh [PSYSCORE] [DATA_DIR]
#     PSYSCORE  psyscore binary (default: build/release/cli/psyscore of this
#               repository; the script builds nothing)
#     DATA_DIR  where the CSVs, R script and outputs go (default: a new temp
#               dir, kept; CSVs already there are reused)
# Environment:
#   RUNS=5          timed runs of every case on 200,000 rows
#   BIG_RUNS=3      timed runs of every case on 1,000,000 rows
#   SIZES="200000 1000000"  respondents of the files to time
#   NO_HYPERFINE=1  time with a bash loop instead of hyperfine
#
# Every program does the whole job: read the CSV, score EE, DP and PA as
# instruments/mbi-hss.json says, write one CSV row per respondent to standard
# output (discarded while timing):
#   R scoreItems  read.csv; psych::scoreItems(keys, impute = "none") gives the
#                 mean of the answered items (and, unasked, alpha, item-scale
#                 correlations and the scale intercorrelations); the R script
#                 turns it into what psyscore reports: the prorated sum
#                 (mean * k), empty when fewer than min_answered items were
#                 answered, the count of answered items and the band; write.csv.
#   R scoreFast   the same with psych::scoreFast, psych's scores-only function,
#                 R's fastest path through psych.
#   psyscore      psyscore score -i mbi-hss --format csv DATA (value, answered
#                 and band per subscale, and an errors column).
# Before timing, all three outputs of the 200,000-row file (or the smallest
# size) are compared cell by cell; the script stops when they differ. Peak
# RSS (/usr/bin/time) of one more run of R scoreItems and psyscore is
# reported against the file size.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PSYSCORE="$(realpath "${1:-$ROOT/build/release/cli/psyscore}")"
DIR="${2:-$(mktemp -d /tmp/psyscore-score-vs-r.XXXXXX)}"
RUNS="${RUNS:-5}"
BIG_RUNS="${BIG_RUNS:-3}"
read -r -a SIZES <<< "${SIZES:-200000 1000000}"
INSTRUMENT="$ROOT/instruments/mbi-hss.json"

[[ -x "$PSYSCORE" ]] || { echo "psyscore binary not found: $PSYSCORE (build it first)" >&2; exit 1; }
mkdir -p "$DIR"
DIR="$(realpath "$DIR")"

# shellcheck source=bench/peers/common.sh
source "$ROOT/bench/peers/common.sh"
ensure_tools
TIME_BIN=/usr/bin/time
[[ -x "$TIME_BIN" ]] || as_root apt-get install -y time >&2 || TIME_BIN=""

print_machine "$PSYSCORE"

# --- the R script --------------------------------------------------------------
# The scoring rules of the definition as R values. The R side implements only
# what MBI-HSS uses (prorated sums on one scale for every item); anything else
# stops the script rather than compare different things.
R_DEFINITIONS="$(python3 - "$INSTRUMENT" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
scale = d["scale"]
items = {item["id"]: item for item in d["items"]}
for item in d["items"]:
    if item.get("scale", scale) != scale:
        sys.exit(f"item {item['id']} has its own scale; score_vs_r.sh handles one scale only")
def column(item_id):  # read.csv's make.names turns the header "1" into "X1"
    return "X" + item_id if item_id[0].isdigit() else item_id
def r_number(x):
    return "-Inf" if x == -math.inf else "Inf" if x == math.inf else repr(x)
keys, minimum, bands = [], [], []
for s in d["subscales"]:
    if s.get("method", "sum") != "sum" or not s.get("prorate", True):
        sys.exit(f"subscale {s['id']} is not a prorated sum; score_vs_r.sh handles only those")
    # psych keys: a leading "-" reverses an item.
    keyed = [("-" if items[i].get("reverse_keyed", False) else "") + column(i) for i in s["items"]]
    keys.append(f'{s["id"]} = c(' + ", ".join(f'"{k}"' for k in keyed) + ")")
    minimum.append(f'{s["id"]} = {s.get("min_answered", len(s["items"]))}')
    b = s.get("bands", [])
    bands.append(f'{s["id"]} = list(label = c(' + ", ".join(json.dumps(x["label"]) for x in b) + "), "
                 + "min = c(" + ", ".join(r_number(x.get("min", -math.inf)) for x in b) + "), "
                 + "max = c(" + ", ".join(r_number(x.get("max", math.inf)) for x in b) + "))")
print("keys <- list(" + ", ".join(keys) + ")")
print("item_columns <- c(" + ", ".join(f'"{column(i["id"])}"' for i in d["items"]) + ")")
print("min_answered <- c(" + ", ".join(minimum) + ")")
print("bands <- list(" + ", ".join(bands) + ")")
print(f'scale_min <- {r_number(scale["min"])}; scale_max <- {r_number(scale["max"])}')
PY
)"

cat > "$DIR/score.R" <<R
# Usage: Rscript score.R DATA.csv scoreItems|scoreFast
args <- commandArgs(trailingOnly = TRUE)
$R_DEFINITIONS
d <- read.csv(args[1])
items <- d[item_columns]
means <- switch(args[2],
  scoreItems = psych::scoreItems(keys, items, impute = "none", min = scale_min, max = scale_max)\$scores,
  scoreFast = psych::scoreFast(keys, items, impute = "none", min = scale_min, max = scale_max),
  stop("the second argument is scoreItems or scoreFast"))
out <- data.frame(id = d\$id)
for (j in seq_along(keys)) {
  s <- names(keys)[j]
  k <- length(keys[[s]])
  answered <- rowSums(!is.na(items[sub("^-", "", keys[[s]])]))
  value <- means[, j] * k  # the prorated sum
  value[answered < min_answered[[s]]] <- NA
  # Bands from the value without the last bits of mean * k, so that 19 / 9 * 9
  # is 19 (psyscore sums complete answers exactly) and falls in the right band.
  banded <- round(value, 9)
  band <- rep(NA_character_, nrow(d))
  b <- bands[[s]]
  for (i in seq_along(b\$label)) band[!is.na(banded) & banded >= b\$min[i] & banded <= b\$max[i]] <- b\$label[i]
  out[[s]] <- value
  out[[paste0(s, "_answered")]] <- answered
  out[[paste0(s, "_band")]] <- band
}
write.csv(out, row.names = FALSE, na = "")
R

# --- data ------------------------------------------------------------------
for n in "${SIZES[@]}"; do
  [[ -s "$DIR/mbi_$n.csv" ]] || python3 "$ROOT/bench/peers/make_data.py" "$DIR/mbi_$n.csv" --n "$n"
done
CHECK_N="$(printf '%s\n' "${SIZES[@]}" | sort -n | head -1)"
[[ " ${SIZES[*]} " == *" 200000 "* ]] && CHECK_N=200000

# --- sanity: the three give the same scores ------------------------------------
echo "## Scores, R vs psyscore ($CHECK_N x 22)"
echo
CHECK="$DIR/mbi_$CHECK_N.csv"
Rscript "$DIR/score.R" "$CHECK" scoreItems > "$DIR/r_scoreItems.csv"
Rscript "$DIR/score.R" "$CHECK" scoreFast > "$DIR/r_scoreFast.csv"
# psyscore warns on standard error about the prorated PA sums that fall between two bands.
"$PSYSCORE" score -i mbi-hss --format csv "$CHECK" > "$DIR/psyscore_scores.csv" 2> "$DIR/psyscore_scores.stderr"
python3 - "$INSTRUMENT" "$DIR/psyscore_scores.csv" "$DIR/r_scoreItems.csv" "$DIR/r_scoreFast.csv" <<'PY'
import csv, json, sys
subscales = [s["id"] for s in json.load(open(sys.argv[1]))["subscales"]]
def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
mine = rows(sys.argv[2])
print("| R function | respondents | values compared | empty (too few answered) | largest relative difference |")
print("|---|---:|---:|---:|---:|")
for path in sys.argv[3:]:
    theirs = rows(path)
    name = path.rsplit("r_", 1)[1].removesuffix(".csv")
    if len(theirs) != len(mine):
        sys.exit(f"{name}: {len(theirs)} rows, psyscore {len(mine)}")
    compared = empty = 0
    worst = 0.0
    for p, r in zip(mine, theirs):
        if p["id"] != r["id"] or p["errors"]:
            sys.exit(f"{name}: respondent {r['id']} vs psyscore {p['id']} ({p['errors'] or 'order'})")
        for s in subscales:
            if p[s + "_answered"] != r[s + "_answered"] or p[s + "_band"] != r[s + "_band"]:
                sys.exit(f"{name}: respondent {p['id']}, {s}: answered/band {r[s + '_answered']}/{r[s + '_band']}"
                         f" vs psyscore {p[s + '_answered']}/{p[s + '_band']}")
            if (p[s] == "") != (r[s] == ""):
                sys.exit(f"{name}: respondent {p['id']}, {s}: {r[s]!r} vs psyscore {p[s]!r}")
            if p[s] == "":
                empty += 1
                continue
            a, b = float(p[s]), float(r[s])
            worst = max(worst, abs(a - b) / max(abs(a), 1.0))
            compared += 1
    if worst > 1e-9:
        sys.exit(f"{name}: scores differ by {worst:.1e} relative (limit 1e-9)")
    print(f"| {name} | {len(mine)} | {compared} | {empty} | {worst:.1e} |")
PY
echo

# --- timing --------------------------------------------------------------------
# peak_rss_mb COMMAND...: peak resident set of one run, in MB.
peak_rss_mb() {
  [[ -n "$TIME_BIN" ]] || { echo n/a; return; }
  "$TIME_BIN" -f '%M' -o "$DIR/rss.txt" "$@" > /dev/null 2> "$DIR/rss.stderr"
  python3 -c 'import sys; print("%.0f" % (int(open(sys.argv[1]).read().split()[-1]) / 1024))' "$DIR/rss.txt"
}

rows=()
memory=()
loads=""
for n in "${SIZES[@]}"; do
  data="$DIR/mbi_$n.csv"
  runs=$RUNS
  ((n >= 1000000)) && runs=$BIG_RUNS
  label="$(python3 -c "print(f'{int(\"$n\"):,}')") x 22"
  loads+="$label: $(load1); "
  echo "timing scoring of $label ..." >&2
  r_items=$(median_seconds "$runs" 0 Rscript "$DIR/score.R" "$data" scoreItems)
  r_fast=$(median_seconds "$runs" 0 Rscript "$DIR/score.R" "$data" scoreFast)
  p=$(median_seconds "$runs" 1 "$PSYSCORE" score -i mbi-hss --format csv "$data")
  rows+=("| score $label, read.csv + psych::scoreItems + write.csv ($runs runs each) | $r_items | $p | $(ratio "$r_items" "$p") |")
  rows+=("| score $label, read.csv + psych::scoreFast + write.csv ($runs runs each) | $r_fast | $p | $(ratio "$r_fast" "$p") |")
  file_mb=$(python3 -c "import os; print('%.1f' % (os.path.getsize('$data') / 2**20))")
  r_rss=$(peak_rss_mb Rscript "$DIR/score.R" "$data" scoreItems)
  p_rss=$(peak_rss_mb "$PSYSCORE" score -i mbi-hss --format csv "$data")
  memory+=("| $label | $file_mb | $r_rss | $p_rss | $(ratio "$p_rss" "$file_mb") |")
done

echo "## Median wall seconds (EE, DP and PA in both, CSV in, CSV out)"
echo
echo "| case | R | psyscore | R / psyscore |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "## Peak RSS of one run (MB)"
echo
echo "| data | CSV file | R scoreItems | psyscore score | psyscore / file |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${memory[@]}"
echo
echo "1-minute load average before each size: ${loads}at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data, R script and outputs: $DIR"
