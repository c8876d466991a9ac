#!/usr/bin/env python3
"""Writes the SYNTHETIC Balint cohort of this folder: pre.csv, post.csv, change.json, cohort.csv.

Nothing here comes from real people. Answers to the 22 MBI-HSS items (0..6) are
drawn from a small latent-trait model with a fixed seed, so every run writes
byte-identical files:

    python3 make_cohort.py      # from this folder

- pre.csv / post.csv: 12 residents (b01..b12) before and after a year of Balint
  group work. Exhaustion (EE) and depersonalization (DP) tend to fall and
  personal accomplishment (PA) to rise, by amounts that differ per person (one
  resident gets worse). Two answers are left empty to show prorating.
- cohort.csv: 30 other physicians with a `years` column (years of Balint group
  participation: under_1, 1_to_4, 5_plus; 10 each, listed in that order of
  first appearance) for `psyscore compare`.
"""

import csv
import json
import math
import random

ITEMS = [str(i) for i in range(1, 23)]
EE = {"1", "2", "3", "6", "8", "13", "14", "16", "20"}
DP = {"5", "10", "11", "15", "22"}
PA = {"4", "7", "9", "12", "17", "18", "19", "21"}

rng = random.Random(20240611)


def gauss(sd):
    # Box-Muller from random(), whose stream is stable across Python versions.
    u1 = 1.0 - rng.random()
    u2 = rng.random()
    return sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def answer(level):
    return max(0, min(6, int(round(level + gauss(0.8)))))


def answers(ee, dp, pa):
    row = {}
    for item in ITEMS:
        level = ee if item in EE else dp if item in DP else pa
        row[item] = answer(level)
    return row


def person(ee_mean, dp_mean, pa_mean):
    return (ee_mean + gauss(0.9), dp_mean + gauss(0.8), pa_mean + gauss(0.7))


def write(path, header, rows):
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_change_request(name, pre_rows, post_rows):
    """The same two waves as one JSON body for POST .../change."""

    def wave(rows):
        return [{"id": row[0],
                 "answers": {item: (None if value == "" else value) for item, value in zip(ITEMS, row[1:])}}
                for row in rows]

    with open(name, "w", encoding="utf-8") as out:
        json.dump({"pre": wave(pre_rows), "post": wave(post_rows)}, out, indent=1)
        out.write("\n")


def main():
    pre_rows, post_rows = [], []
    for i in range(12):
        ee, dp, pa = person(3.0, 1.8, 4.0)
        pre = answers(ee, dp, pa)
        # A year later: most improve a little, by differing amounts; b07 gets worse.
        shift = -1.2 if i == 6 else 0.9 + gauss(0.5)
        post = answers(ee - shift, dp - 0.6 * shift, pa + 0.4 * shift)
        pid = "b%02d" % (i + 1)
        pre_rows.append([pid] + [pre[item] for item in ITEMS])
        post_rows.append([pid] + [post[item] for item in ITEMS])
    pre_rows[3][1 + ITEMS.index("14")] = ""  # one unanswered EE item (prorated)
    post_rows[9][1 + ITEMS.index("19")] = ""  # one unanswered PA item (prorated)
    write("pre.csv", ["id"] + ITEMS, pre_rows)
    write("post.csv", ["id"] + ITEMS, post_rows)
    write_change_request("change.json", pre_rows, post_rows)

    cohort_rows = []
    groups = [("under_1", 3.2, 2.1, 3.8), ("1_to_4", 2.8, 1.8, 4.1), ("5_plus", 2.3, 1.4, 4.5)]
    n = 0
    for label, ee_mean, dp_mean, pa_mean in groups:
        for _ in range(10):
            n += 1
            row = answers(*person(ee_mean, dp_mean, pa_mean))
            cohort_rows.append(["c%02d" % n, label] + [row[item] for item in ITEMS])
    write("cohort.csv", ["id", "years"] + ITEMS, cohort_rows)


if __name__ == "__main__":
    main()
