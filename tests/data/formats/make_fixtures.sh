#!/bin/sh
# Writes the SPSS, Stata and SAS fixtures of tests/decode/readstat_input_test.cpp
# with ReadStat's own command-line tool (Debian's `readstat`), scores wave.sav
# into scores.sav with psyscore, then lets R and the tool read everything back
# (make_fixtures.R, scores_readstat.csv). CI never runs this; the files it
# writes are committed. Run from this directory after building psyscore:
#   sh make_fixtures.sh [path to the psyscore binary]
#
# wave.csv holds eight GAD-7 respondents: numeric ids, a group coded 1/2
# with value labels, items gad_1..gad_7 where 9 is SPSS user-missing ("no
# answer") and an empty cell system-missing, and an age that is not an item.
set -eu
readstat wave.csv metadata_spss.json wave.sav
readstat wave.csv metadata_stata.json wave.dta
# long.csv: four respondents at two waves (1 = pre, 2 = post), one case per
# respondent and wave, as a waves analysis reads it.
readstat long.csv metadata_long_spss.json long.sav
# The tool writes .zsav and .sas7bdat only from a binary file, not from a CSV.
readstat wave.sav wave.zsav
readstat wave.sav wave.sas7bdat
# psyscore's own SPSS output, read back by the tool and by R.
psyscore=${1:-../../../build/release/cli/psyscore}
"$psyscore" score -i gad-7 --column-prefix gad_ --format sav wave.sav > scores.sav 2>/dev/null
readstat scores.sav - > scores_readstat.csv
Rscript make_fixtures.R
