#!/usr/bin/env bash
# Whole-process timing of `psyscore waves` against Rscript doing the same
# analysis with lme4/lmerTest and stats on the same synthetic MBI-HSS data:
# 3 waves x 10,000 respondents x 22 items in one long CSV (id, wave, items).
# Not a test and not part of `make test`; results and the machine they were
# measured on: docs/performance.md, "Waves against R".
#
# Usage (from anywhere):
#   bench/peers/waves_vs_r.sh [PSYSCORE] [DATA_DIR]
#     PSYSCORE  psyscore binary (default: build/release/cli/psyscore)
#     DATA_DIR  where the CSV and the R script go (default: a new temp dir, kept)
# Environment:
#   RUNS=3         timed runs of each program
#   N=10000        respondents per wave
#   NO_HYPERFINE=1 time with a bash loop instead of hyperfine
#
# Both programs, for each of EE, DP and PA: the subscale sums (prorated, as the
# definition says), the mixed model score ~ wave + (1 | id) by REML with
# Satterthwaite df (lmerTest summary and anova), friedman.test on the complete
# respondents and the three pairwise paired Wilcoxon tests with Holm. psyscore
# also writes each wave's descriptives, the marginal means per wave and JSON.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PSYSCORE="$(realpath "${1:-$ROOT/build/release/cli/psyscore}")"
DIR="${2:-$(mktemp -d /tmp/psyscore-waves-vs-r.XXXXXX)}"
RUNS="${RUNS:-3}"
N="${N:-10000}"
INSTRUMENT="$ROOT/instruments/mbi-hss.json"

[[ -x "$PSYSCORE" ]] || { echo "psyscore binary not found: $PSYSCORE (build it first)" >&2; exit 1; }
mkdir -p "$DIR"
DIR="$(realpath "$DIR")"

# shellcheck source=bench/peers/common.sh
source "$ROOT/bench/peers/common.sh"
ensure_tools
Rscript -e 'quit(status = !requireNamespace("lmerTest", quietly = TRUE))' >/dev/null 2>&1 ||
  as_root apt-get install -y r-cran-lmertest >&2

print_machine "$PSYSCORE"

# --- data: three waves of the same people --------------------------------------
# Baseline from make_data.py (2% empty cells); each later wave moves every answer
# of the one before by -1, 0 or +1 (kept within 0..6, seeded), so a person's
# scores stay alike across waves, as in a real cohort.
LONG="$DIR/waves_${N}.csv"
if [[ ! -s "$LONG" ]]; then
  python3 "$ROOT/bench/peers/make_data.py" "$DIR/baseline.csv" --n "$N" --seed 1
  python3 - "$DIR/baseline.csv" "$LONG" <<'PY'
import random, sys
rng = random.Random(7)
lines = open(sys.argv[1]).read().splitlines()
rows = [line.split(",") for line in lines[1:]]
with open(sys.argv[2], "w") as f:
    f.write("id,wave," + lines[0].split(",", 1)[1] + "\n")
    for name in ["baseline", "6m", "10m"]:
        for row in rows:
            f.write(row[0] + "," + name + "," + ",".join(row[1:]) + "\n")
        for row in rows:
            for i in range(1, len(row)):
                if row[i] != "":
                    row[i] = str(min(6, max(0, int(row[i]) + rng.choice((-1, 0, 0, 1)))))
PY
fi

R_SUBSCALES="$(python3 - "$INSTRUMENT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("list(" + ", ".join(
    f'{s["id"]} = list(items = c(' + ", ".join(f'"X{i}"' for i in s["items"]) + f'), min = {s["min_answered"]})'
    for s in d["subscales"]) + ")")
PY
)"

cat > "$DIR/waves.R" <<R
suppressPackageStartupMessages(library(lmerTest))
args <- commandArgs(trailingOnly = TRUE)
subscales <- $R_SUBSCALES
d <- read.csv(args[1])
d\$wave <- factor(d\$wave, levels = c("baseline", "6m", "10m"))
for (s in names(subscales)) {
  items <- d[, subscales[[s]]\$items]
  answered <- rowSums(!is.na(items))
  score <- ifelse(answered >= subscales[[s]]\$min, rowMeans(items, na.rm = TRUE) * ncol(items), NA)
  long <- data.frame(id = d\$id, wave = d\$wave, score = score)
  long <- long[!is.na(long\$score), ]
  fit <- lmer(score ~ wave + (1 | id), data = long, REML = TRUE)
  co <- summary(fit)\$coefficients
  av <- anova(fit)
  wide <- reshape(long, idvar = "id", timevar = "wave", direction = "wide")
  m <- as.matrix(wide[, c("score.baseline", "score.6m", "score.10m")])
  ft <- friedman.test(m[complete.cases(m), ])
  p <- c()
  for (pair in list(c(1, 2), c(1, 3), c(2, 3))) {
    ok <- complete.cases(m[, pair])
    p <- c(p, wilcox.test(m[ok, pair[2]], m[ok, pair[1]], paired = TRUE)\$p.value)
  }
  cat(s, format(co[2, "Estimate"], digits = 15), format(co[2, "df"], digits = 15),
      format(av[1, "F value"], digits = 15), format(ft\$statistic, digits = 15),
      format(p.adjust(p, "holm"), digits = 15), "\n")
}
R

echo "## Agreement (wave6m estimate and df, F, Friedman), R vs psyscore"
echo
Rscript "$DIR/waves.R" "$LONG" > "$DIR/r_waves.txt"
"$PSYSCORE" waves -i mbi-hss --wave-column wave "$LONG" > "$DIR/psyscore_waves.json"
python3 - "$DIR/r_waves.txt" "$DIR/psyscore_waves.json" <<'PY'
import json, sys
r = {line.split()[0]: list(map(float, line.split()[1:])) for line in open(sys.argv[1]) if line.strip()}
p = {}
for s in json.load(open(sys.argv[2]))["subscales"]:
    m = s["mixed_model"]
    p[s["id"]] = [m["fixed"][1]["estimate"], m["fixed"][1]["df"], m["wave_test"]["f"], s["friedman"]["statistic"]] + \
        [x["p_holm"] for x in s["pairwise_wilcoxon"]]
print("| subscale | largest relative difference |\n|---|---:|")
worst = 0.0
for s in r:
    d = max(abs(a - b) / abs(a) for a, b in zip(r[s], p[s]))
    worst = max(worst, d)
    print(f"| {s} | {d:.1e} |")
# R's default BOBYQA stop leaves the df a few 1e-7 from the optimum.
if worst > 1e-5:
    sys.exit("R and psyscore disagree beyond 1e-5 relative: not timing")
PY
echo

echo "timing ..." >&2
load_start=$(load1)
r_t=$(median_seconds "$RUNS" 0 Rscript "$DIR/waves.R" "$LONG")
p_t=$(median_seconds "$RUNS" 1 "$PSYSCORE" waves -i mbi-hss --wave-column wave "$LONG")
echo "## Median wall seconds, whole process ($RUNS runs; load average $load_start at start)"
echo
echo "| 3 waves x $N x 22 | Rscript (read.csv, lmerTest, friedman.test, wilcox.test) | psyscore waves | ratio |"
echo "|---|---:|---:|---:|"
echo "| EE, DP, PA | $r_t | $p_t | $(ratio "$r_t" "$p_t") |"
