#!/usr/bin/env python3
"""Reads a workbook written by `psyscore score --format xlsx` back with
openpyxl and checks it cell by cell against `psyscore score --format csv` of
the same wave, and its instrument sheet against the instrument's id, version,
SHA-256 and citation.

usage: check_xlsx.py WORKBOOK.xlsx SCORES.csv INSTRUMENT.json
INSTRUMENT.json: {"id": ..., "version": ..., "sha256": ..., "citation": ...}
Exit 0 when every cell matches; else prints each difference and exits 1.
"""
import csv
import json
import sys

import openpyxl


def same_number(cell, text):
    expected = float(text)
    # libxlsxwriter writes numbers with 16 significant digits.
    return isinstance(cell, (int, float)) and abs(cell - expected) <= 1e-15 * max(1.0, abs(expected))


def main(workbook_path, csv_path, instrument_path):
    workbook = openpyxl.load_workbook(workbook_path)
    problems = []
    if workbook.sheetnames != ["scores", "instrument"]:
        problems.append(f"sheets are {workbook.sheetnames}, expected scores and instrument")
    with open(csv_path, newline="", encoding="utf-8") as f:
        expected_rows = list(csv.reader(f))
    rows = [[c.value for c in row] for row in workbook["scores"].iter_rows()]
    if len(rows) != len(expected_rows):
        problems.append(f"scores has {len(rows)} rows, the CSV {len(expected_rows)}")
    header = expected_rows[0]
    for r, (row, expected) in enumerate(zip(rows, expected_rows), start=1):
        if len(row) != len(expected):
            problems.append(f"row {r}: {len(row)} cells, the CSV has {len(expected)}")
            continue
        for c, (cell, text) in enumerate(zip(row, expected)):
            where = f"row {r}, column {header[c]}"
            if text == "":
                ok = cell is None or cell == ""
            elif r == 1 or header[c] in ("id", "errors") or header[c].endswith("_band"):
                ok = cell == text
            else:
                ok = same_number(cell, text)
            if not ok:
                problems.append(f"{where}: workbook has {cell!r}, the CSV {text!r}")

    with open(instrument_path, encoding="utf-8") as f:
        instrument = json.load(f)
    fields = {row[0].value: row[1].value for row in workbook["instrument"].iter_rows(max_col=2) if row[0].value}
    for key in ("id", "version", "sha256", "citation"):
        if fields.get(key) != instrument[key]:
            problems.append(f"instrument sheet: {key} is {fields.get(key)!r}, expected {instrument[key]!r}")

    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
