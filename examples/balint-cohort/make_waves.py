#!/usr/bin/env python3
"""Writes waves.csv: the residents of pre.csv and post.csv at three waves, one row
per resident and wave (columns id,wave,1,...,22), for `psyscore waves`.

SYNTHETIC, like every file here: baseline is pre.csv, 10m is post.csv, and 6m is
the item-wise midpoint of the two (rounded half up), so the series moves the way the
pre/post pair does. b03 missed the 6-month wave and b11 the last one, as real
cohorts lose people at one wave. Standard library only; byte-identical on every run.
"""
import csv

def read(name):
    with open(name, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], {row[0]: row[1:] for row in rows[1:]}

header, pre = read("pre.csv")
_, post = read("post.csv")

def midpoint(a, b):
    if a == "" or b == "":
        return a or b
    return str((int(a) + int(b) + 1) // 2)

missing = {("b03", "6m"), ("b11", "10m")}
with open("waves.csv", "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["id", "wave"] + header[1:])
    for wave in ("baseline", "6m", "10m"):
        for resident in pre:
            if (resident, wave) in missing:
                continue
            if wave == "baseline":
                answers = pre[resident]
            elif wave == "10m":
                answers = post[resident]
            else:
                answers = [midpoint(a, b) for a, b in zip(pre[resident], post[resident])]
            out.writerow([resident, wave] + answers)
