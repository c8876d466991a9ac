#!/bin/sh
# `score --format xlsx` read back by openpyxl (check_xlsx.py): every cell of
# the scores sheet equals the CSV output of the same wave, and the instrument
# sheet names the definition's id, version, SHA-256 and citation.
#   xlsx_readback.sh <psyscore> <python3> <tests dir> <work dir>
set -eu
psyscore=$1 python=$2 tests=$3 work=$4
mkdir -p "$work"
for wave in wave.dta wave.sav; do
  "$psyscore" score -i gad-7 --column-prefix gad_ --format xlsx "$tests/data/formats/$wave" > "$work/scores.xlsx" 2>/dev/null
  "$psyscore" score -i gad-7 --column-prefix gad_ --format csv "$tests/data/formats/$wave" > "$work/scores.csv" 2>/dev/null
  "$psyscore" instruments show gad-7 > "$work/gad-7.json"
  "$python" - "$work/gad-7.json" > "$work/instrument.json" <<'PY'
import hashlib, json, sys
text = open(sys.argv[1], "rb").read().rstrip(b"\n")
d = json.loads(text)
print(json.dumps({"id": d["id"], "version": d["version"], "citation": d["citation"],
                  "sha256": hashlib.sha256(text).hexdigest()}))
PY
  "$python" "$tests/encode/check_xlsx.py" "$work/scores.xlsx" "$work/scores.csv" "$work/instrument.json"
done
echo "xlsx read back: the same cells as the CSV"
