#!/usr/bin/env bash
# Runs the commands the README and examples/*/README.md show on the bundled
# examples and writes each one's stdout and exit code to OUTDIR, one file a
# command. Run it with two binaries and `diff -r` the folders to prove that a
# change which should not alter behaviour (a refactoring) alters no byte:
#   tests/cli/readme_outputs.sh OLD/psyscore /tmp/before
#   tests/cli/readme_outputs.sh build/release/cli/psyscore /tmp/after
#   diff -r /tmp/before /tmp/after
set -euo pipefail
psyscore=$(realpath "$1")
out=$2
cd "$(dirname "$0")/../.."
mkdir -p "$out"
cohort=examples/balint-cohort
run() {
  local name=$1
  shift
  set +e
  "$@" > "$out/$name.out" 2> "$out/$name.err"
  echo "exit $?" >> "$out/$name.out"
  set -e
}
run instruments "$psyscore" instruments
run instruments-show "$psyscore" instruments show phq-9
run score-json "$psyscore" score -i mbi-hss $cohort/pre.csv
run score-csv "$psyscore" score -i mbi-hss $cohort/pre.csv --format csv
run score-file "$psyscore" score -i instruments/pss-10.json $cohort/pre.csv
run score-stdin bash -c "\"$psyscore\" score -i mbi-hss - < $cohort/post.csv"
run validate "$psyscore" validate docs/examples/bgq-example.json
run reliability "$psyscore" reliability -i mbi-hss $cohort/cohort.csv --bootstrap 1000 --seed 7
run reliability-listwise "$psyscore" reliability -i mbi-hss $cohort/cohort.csv --listwise
run change "$psyscore" change -i mbi-hss --pre $cohort/pre.csv --post $cohort/post.csv
run change-published "$psyscore" change -i mbi-hss --pre $cohort/pre.csv --post $cohort/post.csv --rci-reliability published
run compare "$psyscore" compare -i mbi-hss --group-column years $cohort/cohort.csv
run compare-items "$psyscore" compare -i balint-attitudes --group-column years --items \
    examples/balint-survey-items/survey.csv
run reliability-items "$psyscore" reliability -i balint-attitudes --items examples/balint-survey-items/survey.csv
run change-clinical "$psyscore" change -i mbi-hss --pre $cohort/pre.csv --post $cohort/post.csv \
    --rci-reliability EE=0.9,DP=0.79,PA=0.71 --clinical-significance auto
run waves "$psyscore" waves -i mbi-hss --wave-column wave $cohort/waves.csv
run waves-files "$psyscore" waves -i mbi-hss --wave baseline=$cohort/pre.csv --wave 10m=$cohort/post.csv
run waves-hlm "$psyscore" waves -i mbi-hss --wave-column wave $cohort/waves.csv --rci-method hlm
survey=examples/balint-survey
run model "$psyscore" model -i who-5 $survey/survey.csv --outcome 'raw>=13' \
    --predictor duration --predictor obligation --predictor teaching \
    --predictor management --predictor prevention --predictor age --reference duration=lt1
run model-band "$psyscore" model -i who-5 $survey/survey.csv --outcome 'raw=above cut-offs' \
    --predictor duration --predictor age --reference duration=lt1
trial=examples/balint-trial
run controlled "$psyscore" controlled -i mbi-hss --group balint=$trial/balint_pre.csv,$trial/balint_post.csv \
    --group waitlist=$trial/waitlist_pre.csv,$trial/waitlist_post.csv --reference waitlist
run change-nk "$psyscore" change -i mbi-hss --pre $cohort/pre.csv --post $cohort/post.csv \
    --rci-reliability published --rci-method nk --reliability-post sample --clinical-significance auto
run report-change "$psyscore" report -i mbi-hss --pre $cohort/pre.csv --post $cohort/post.csv
run report-wave "$psyscore" report -i mbi-hss $cohort/pre.csv
run report-groups "$psyscore" report -i mbi-hss --group-column years $cohort/cohort.csv
run report-model "$psyscore" report -i who-5 $survey/survey.csv --outcome 'raw>=13' \
    --predictor duration --predictor teaching --predictor age --reference duration=lt1
run report-controlled "$psyscore" report -i mbi-hss --reference waitlist \
    --group balint=$trial/balint_pre.csv,$trial/balint_post.csv --group waitlist=$trial/waitlist_pre.csv,$trial/waitlist_post.csv
run reliability-table "$psyscore" reliability -i mbi-hss $cohort/cohort.csv --format table
run change-table "$psyscore" change -i mbi-hss --pre $cohort/pre.csv --post $cohort/post.csv --format table
run change-csv "$psyscore" change -i mbi-hss --pre $cohort/pre.csv --post $cohort/post.csv --format csv
run compare-table "$psyscore" compare -i mbi-hss --group-column years $cohort/cohort.csv --format table
run score-fhir "$psyscore" score -i phq-9 tests/data/fhir/phq9_sdc_item_weight.json --format fhir
run score-fhir-input "$psyscore" score -i pss-10 tests/data/fhir/pss10_integer_nested_groups.json
formats=tests/data/formats
run score-sav "$psyscore" score -i gad-7 --column-prefix gad_ $formats/wave.sav
run score-zsav "$psyscore" score -i gad-7 --column-prefix gad_ $formats/wave.zsav
run score-dta "$psyscore" score -i gad-7 --column-prefix gad_ $formats/wave.dta
run score-sas7bdat "$psyscore" score -i gad-7 --column-prefix gad_ $formats/wave.sas7bdat
run score-semicolon "$psyscore" score -i gad-7 --column-prefix gad_ $formats/wave-semicolon.csv
# The files' bytes carry a timestamp: their first bytes stand for them.
run score-format-sav bash -c "\"$psyscore\" score -i gad-7 --column-prefix gad_ $formats/wave.sav --format sav | head -c 4"
run score-format-xlsx bash -c "\"$psyscore\" score -i gad-7 --column-prefix gad_ $formats/wave.sav --format xlsx | head -c 2"
