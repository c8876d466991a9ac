#!/usr/bin/env python3
"""Writes the SYNTHETIC two-group Balint trial of this folder.

Nothing here comes from real people. Answers to the 22 MBI-HSS items (0..6) are
drawn from a small latent-trait model with a fixed seed, so every run writes
byte-identical files:

    python3 make_trial.py      # from this folder

- balint_pre.csv / balint_post.csv: 18 residents (t01..t18) randomised to a
  year of Balint group work, before and after. Exhaustion (EE) and
  depersonalization (DP) tend to fall and personal accomplishment (PA) to rise.
- waitlist_pre.csv / waitlist_post.csv: 16 residents (w01..w16) on the waiting
  list over the same year; little changes, with some drift towards the mean.
  Two of them (w05, w12) did not answer the second time: they are in the pre
  file only and are listed as unmatched.
- controlled.json: the same four files as one JSON body for
  POST /v1/instruments/mbi-hss/controlled, with the waiting list as reference.
"""

import csv
import json
import math
import random

ITEMS = [str(i) for i in range(1, 23)]
EE = {"1", "2", "3", "6", "8", "13", "14", "16", "20"}
DP = {"5", "10", "11", "15", "22"}

rng = random.Random(20261204)


def gauss(sd):
    # Box-Muller from random(), whose stream is stable across Python versions.
    u1 = 1.0 - rng.random()
    u2 = rng.random()
    return sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def answer(level):
    return max(0, min(6, int(round(level + gauss(0.8)))))


def answers(ee, dp, pa):
    return {item: answer(ee if item in EE else dp if item in DP else pa) for item in ITEMS}


def person():
    return (3.0 + gauss(0.9), 1.9 + gauss(0.8), 3.9 + gauss(0.7))


def arm(prefix, n, mean_shift, missing_post=()):
    pre_rows, post_rows = [], []
    for i in range(n):
        ee, dp, pa = person()
        pid = "%s%02d" % (prefix, i + 1)
        pre = answers(ee, dp, pa)
        # A year later: the shift toward better differs per person; everyone
        # drifts a little toward the middle (regression to the mean).
        shift = mean_shift + gauss(0.5)
        post = answers(ee - shift - 0.2 * (ee - 3.0), dp - 0.6 * shift, pa + 0.4 * shift)
        pre_rows.append([pid] + [pre[item] for item in ITEMS])
        if pid not in missing_post:
            post_rows.append([pid] + [post[item] for item in ITEMS])
    return pre_rows, post_rows


def write(path, rows):
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id"] + ITEMS)
        writer.writerows(rows)


def wave(rows):
    return [{"id": row[0], "answers": dict(zip(ITEMS, row[1:]))} for row in rows]


def main():
    balint_pre, balint_post = arm("t", 18, 0.8)
    waitlist_pre, waitlist_post = arm("w", 16, 0.1, missing_post=("w05", "w12"))
    write("balint_pre.csv", balint_pre)
    write("balint_post.csv", balint_post)
    write("waitlist_pre.csv", waitlist_pre)
    write("waitlist_post.csv", waitlist_post)
    body = {
        "groups": {
            "balint": {"pre": wave(balint_pre), "post": wave(balint_post)},
            "waitlist": {"pre": wave(waitlist_pre), "post": wave(waitlist_post)},
        },
        "options": {"reference": "waitlist", "ci_level": 0.95},
    }
    with open("controlled.json", "w", encoding="utf-8") as out:
        json.dump(body, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
