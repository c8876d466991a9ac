#!/usr/bin/env bash
# Whole-process timing of `psyscore model` against R (read.csv + glm + summary +
# confint.default + MASS's profile confint + chisq.test and fisher.test per factor)
# on the same synthetic Balint survey: 100,000 respondents, 8 predictors (3-level
# duration, four yes/no factors, age, sessions, a 3-level setting: 11 coefficients),
# outcome WHO-5 raw >= 13. Not a test and not part of `make test`; the result is in
# docs/performance.md ("Cohort factors against R").
#
# Usage (from anywhere):
#   bench/peers/model_vs_r.sh [PSYSCORE] [DATA_DIR]
#     PSYSCORE  psyscore binary (default: build/release/cli/psyscore of this repository)
#     DATA_DIR  where the CSV and the R script go (default: a new temp dir, kept)
# Environment: RUNS=3 timed runs of each program (the median is reported).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
psyscore=${1:-$root/build/release/cli/psyscore}
dir=${2:-$(mktemp -d)}
runs=${RUNS:-3}
mkdir -p "$dir"
python3 "$root/examples/balint-survey/make_survey.py" --respondents 100000 --extra --csv "$dir/survey.csv" --json ''

cat > "$dir/model.R" <<'R'
suppressPackageStartupMessages(library(MASS))
d <- read.csv(commandArgs(TRUE)[1], stringsAsFactors = FALSE, na.strings = c("", "NA"))
items <- d[, c("X1", "X2", "X3", "X4", "X5")]
d$outcome <- ifelse(rowSums(items) >= 13, 1, 0)  # WHO-5 raw: every item answered
d$duration <- factor(d$duration, levels = c("lt1", "1to4", "5plus"))
fit <- glm(outcome ~ duration + obligation + teaching + management + prevention + age + sessions + setting,
           family = binomial, data = d)
s <- summary(fit)
wald <- exp(confint.default(fit))
profile <- exp(suppressMessages(confint(fit)))
for (v in c("duration", "obligation", "teaching", "management", "prevention", "setting")) {
  tab <- table(d[[v]], d$outcome)
  chi <- suppressWarnings(chisq.test(tab))
  fisher <- tryCatch(fisher.test(tab, workspace = 2e8)$p.value, error = function(e) NA)
}
print(c(deviance = fit$deviance, aic = fit$aic))
R

time_runs() {  # prints the median wall time of $runs runs of "$@"
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

p=$(time_runs "$psyscore" model -i who-5 "$dir/survey.csv" --outcome 'raw>=13' \
      --predictor duration --predictor obligation --predictor teaching --predictor management \
      --predictor prevention --predictor age --predictor sessions --predictor setting --reference duration=lt1)
r=$(time_runs Rscript "$dir/model.R" "$dir/survey.csv")
echo "data: $dir/survey.csv (100,000 x 8 predictors)"
printf 'psyscore %.3f s, R %.3f s: %.1fx\n' "$p" "$r" "$(echo "$r / $p" | bc -l)"
