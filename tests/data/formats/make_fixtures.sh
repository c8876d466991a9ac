#!/bin/sh
# Writes the SPSS, Stata and SAS fixtures of tests/decode/readstat_input_test.cpp
# with ReadStat's own command-line tool (Debian's `readstat`), then lets R read
# them back (make_fixtures.R). CI never runs this; the files it writes are
# committed. Run from this directory: sh make_fixtures.sh
#
# wave.csv holds eight GAD-7 respondents: numeric ids, a group coded 1/2
# with value labels, items gad_1..gad_7 where 9 is SPSS user-missing ("no
# answer") and an empty cell system-missing, and an age that is not an item.
set -eu
readstat wave.csv metadata_spss.json wave.sav
readstat wave.csv metadata_stata.json wave.dta
# The tool writes .zsav and .sas7bdat only from a binary file, not from a CSV.
readstat wave.sav wave.zsav
readstat wave.sav wave.sas7bdat
Rscript make_fixtures.R
