#!/usr/bin/env python3
"""Request bodies for the HTTP load benchmark (bench/http/run.sh).

Writes into OUT_DIR, for the MBI-HSS (22 items, answers 0..6):
  single.json   one respondent, every item answered
  batch.json    N respondents (default 10,000) as {"responses": [...]}
  batch.csv     the same respondents as CSV (header id,1,...,22)
About 2% of the batch answers are missing (null in JSON, an empty cell in
CSV), so the scorer's missing-data path is exercised. Python stdlib only,
deterministic for a given seed and N.

Usage: make_bodies.py OUT_DIR [--n N] [--seed S]
"""

import argparse
import json
import os
import random

ITEMS = [str(i) for i in range(1, 23)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--n", type=int, default=10_000, help="respondents in a batch (default 10000)")
    parser.add_argument("--seed", type=int, default=20240301)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)

    rng = random.Random(args.seed)
    single = {"responses": [{"id": "r1", "answers": {item: rng.randint(0, 6) for item in ITEMS}}]}

    respondents = []
    for row in range(args.n):
        answers = {item: (None if rng.random() < 0.02 else rng.randint(0, 6)) for item in ITEMS}
        respondents.append((f"r{row + 1:06d}", answers))

    def write(name: str, text: str) -> None:
        with open(os.path.join(args.out_dir, name), "w", encoding="ascii", newline="") as out:
            out.write(text)

    compact = {"separators": (",", ":")}
    write("single.json", json.dumps(single, **compact))
    write("batch.json", json.dumps({"responses": [{"id": i, "answers": a} for i, a in respondents]}, **compact))
    lines = ["id," + ",".join(ITEMS)]
    for respondent_id, answers in respondents:
        cells = ["" if answers[item] is None else str(answers[item]) for item in ITEMS]
        lines.append(respondent_id + "," + ",".join(cells))
    write("batch.csv", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
