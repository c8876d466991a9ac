#!/usr/bin/env python3
"""Writes the SYNTHETIC Balint survey of this folder: survey.csv and model.json.

Nothing here comes from real people. The shape follows the largest published
cross-sectional Balint survey (142 physicians; which factors go with professional
well-being): years of Balint group participation in three bands, four yes/no
factors, age, and the five WHO-5 well-being items (0..5). Answers are drawn from a
small latent model with a fixed seed, so every run writes byte-identical files:

    python3 make_survey.py                        # from this folder
    python3 make_survey.py --respondents 100000 --csv big.csv   # for benchmarks

- duration: lt1, 1to4, 5plus (years in Balint groups); longer participation goes
  with higher well-being, most of all 5 years or more.
- obligation (attending is compulsory), teaching, management, prevention (a burnout
  prevention programme): yes/no; obligation lowers well-being a little, the others
  raise it a little.
- age: whole years, 27 to 70, almost no effect.
- a few covariate cells are empty (missing) to show how the model leaves them out.
"""

import argparse
import csv
import json
import math
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=142)
    parser.add_argument("--csv", default="survey.csv")
    parser.add_argument("--json", default="model.json", help="empty: do not write the JSON body")
    parser.add_argument("--extra", action="store_true",
                        help="two more covariates (sessions: Balint sessions last year, setting: gp/hospital/"
                             "other) for an 8-predictor benchmark")
    args = parser.parse_args()
    rng = random.Random(20261204)

    def gauss(sd):
        # Box-Muller from random(), whose stream is stable across Python versions.
        u1 = 1.0 - rng.random()
        u2 = rng.random()
        return sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def yes(p):
        return "yes" if rng.random() < p else "no"

    rows = []
    for i in range(args.respondents):
        u = rng.random()
        duration = "lt1" if u < 0.3 else ("1to4" if u < 0.7 else "5plus")
        obligation, teaching = yes(0.35), yes(0.5)
        management, prevention = yes(0.3), yes(0.6)
        age = max(27, min(70, int(round(48 + gauss(9)))))
        level = (1.9 + 0.35 * (duration == "1to4") + 0.9 * (duration == "5plus")
                 - 0.35 * (obligation == "yes") + 0.2 * (teaching == "yes")
                 + 0.15 * (management == "yes") + 0.3 * (prevention == "yes") + 0.005 * (age - 48)
                 + gauss(0.7))
        answers = [max(0, min(5, int(round(level + gauss(0.6))))) for _ in range(5)]
        row = {"id": "s%03d" % (i + 1) if args.respondents < 1000 else "s%06d" % (i + 1),
               "duration": duration, "obligation": obligation, "teaching": teaching,
               "management": management, "prevention": prevention, "age": str(age)}
        # A few missing covariates (about 3 in 142).
        if rng.random() < 0.01:
            row["age"] = ""
        if rng.random() < 0.01:
            row["teaching"] = ""
        for k, a in enumerate(answers):
            row[str(k + 1)] = str(a)
        if args.extra:
            row["sessions"] = str(int(rng.random() * 41))
            row["setting"] = rng.choice(["gp", "hospital", "other"])
        rows.append(row)

    columns = ["id", "duration", "obligation", "teaching", "management", "prevention", "age",
               "1", "2", "3", "4", "5"] + (["sessions", "setting"] if args.extra else [])
    with open(args.csv, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    if args.json:
        responses = []
        for row in rows:
            covariates = {}
            for name in ["duration", "obligation", "teaching", "management", "prevention"]:
                covariates[name] = row[name] or None
            covariates["age"] = int(row["age"]) if row["age"] else None
            responses.append({"id": row["id"], "answers": {str(k): int(row[str(k)]) for k in range(1, 6)},
                              "covariates": covariates})
        body = {"responses": responses,
                "options": {"outcome": {"subscale": "raw", "at_least": 13},
                            "predictors": ["duration", "obligation", "teaching", "management", "prevention", "age"],
                            "reference": {"duration": "lt1"}}}
        with open(args.json, "w") as f:
            json.dump(body, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
