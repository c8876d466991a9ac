#!/usr/bin/env python3
"""Writes the SYNTHETIC Balint survey of this folder: survey.csv and compare.json.

Nothing here comes from real people. The six attitude statements of the bundled
`balint-attitudes` instrument (agreement 1..5) are answered by 121 physicians in
three groups by years of Balint group participation, drawn from fixed answer
weights with a fixed seed, so every run writes byte-identical files:

    python3 make_survey.py      # from this folder

- survey.csv: columns id, years, 1..6; `years` is under_1 (40), 1_to_4 (42) or
  5_plus (39), listed in that order of first appearance. A few answers are empty.
- compare.json: the same answers as one JSON body for
  POST /v1/instruments/balint-attitudes/compare (groups in the same order).

The weights echo the shape of Kannai et al. 2024 (positive statements mostly
agreed with, negative ones mostly rejected); the differences between the groups
are invented: the longer people have taken part, the more they say the group
addressed self-care (statement 1) and the less it bores them (statement 5).
"""

import csv
import json
import random

ITEMS = ["1", "2", "3", "4", "5", "6"]

# Weights of the answers 1..5 per group and statement.
AGREE = [0.05, 0.07, 0.14, 0.36, 0.38]
DISAGREE = [0.66, 0.22, 0.07, 0.04, 0.01]
WEIGHTS = {
    "under_1": {"1": [0.12, 0.16, 0.24, 0.30, 0.18], "2": AGREE, "3": AGREE,
                "4": DISAGREE, "5": [0.36, 0.30, 0.18, 0.12, 0.04], "6": DISAGREE},
    "1_to_4": {"1": [0.06, 0.10, 0.20, 0.36, 0.28], "2": AGREE, "3": AGREE,
               "4": DISAGREE, "5": [0.58, 0.26, 0.10, 0.05, 0.01], "6": DISAGREE},
    "5_plus": {"1": [0.02, 0.04, 0.10, 0.34, 0.50], "2": AGREE, "3": AGREE,
               "4": DISAGREE, "5": [0.80, 0.14, 0.05, 0.01, 0.00], "6": DISAGREE},
}
SIZES = {"under_1": 40, "1_to_4": 42, "5_plus": 39}
MISSING = 0.02

rng = random.Random(6)


def draw(weights):
    # One uniform number per answer: the cumulative weights pick the answer.
    u = rng.random() * sum(weights)
    total = 0.0
    for answer, weight in enumerate(weights, start=1):
        total += weight
        if u < total:
            return answer
    return len(weights)


def main():
    rows = []
    for group in ["under_1", "1_to_4", "5_plus"]:
        for _ in range(SIZES[group]):
            answers = []
            for item in ITEMS:
                value = draw(WEIGHTS[group][item])
                answers.append("" if rng.random() < MISSING else value)
            rows.append(["r%03d" % (len(rows) + 1), group] + answers)

    with open("survey.csv", "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "years"] + ITEMS)
        writer.writerows(rows)

    groups = {}
    for row in rows:
        answers = {item: (None if value == "" else value) for item, value in zip(ITEMS, row[2:])}
        groups.setdefault(row[1], []).append({"id": row[0], "answers": answers})
    with open("compare.json", "w", encoding="utf-8") as out:
        json.dump({"groups": groups, "options": {"items": True}}, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
