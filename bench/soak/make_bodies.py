#!/usr/bin/env python3
"""Request bodies for the soak and failover tests (bench/soak/mixed.lua).

Writes one file per kind of request into OUT_DIR, every one a valid request
that psyscore must answer with 200:

  score-single.json   POST /v1/instruments/mbi-hss/score, one respondent
  score-batch.json    POST /v1/instruments/mbi-hss/score, --batch respondents
  score.csv           POST /v1/instruments/mbi-hss/score, text/csv
  score-inline.json   POST /v1/score, the PHQ-9 definition inline
  reliability.json    POST /v1/instruments/mbi-hss/reliability, with a bootstrap
  change.json         POST /v1/instruments/mbi-hss/change, pre and post waves
  compare.json        POST /v1/instruments/mbi-hss/compare, three groups

Answers are synthetic: each respondent has three correlated latent traits
(EE, DP, PA, as in bench/peers/make_data.py) and every item is its trait plus
noise, cut to the 0..6 scale; about 2% of answers are missing (null or an empty
CSV cell), few enough that every score is computed or prorated. Python stdlib
only, and deterministic: the same --seed writes byte-identical files.

Usage: make_bodies.py OUT_DIR [--batch N] [--seed S] [--instruments DIR]
"""

import argparse
import json
import math
import pathlib
import random

ITEMS = [str(i) for i in range(1, 23)]
SUBSCALE_OF = {}
for name, items in {
    "EE": [1, 2, 3, 6, 8, 13, 14, 16, 20],
    "DP": [5, 10, 11, 15, 22],
    "PA": [4, 7, 9, 12, 17, 18, 19, 21],
}.items():
    for item in items:
        SUBSCALE_OF[str(item)] = name

# Each subscale may miss at most one answer (min_answered in mbi-hss.json);
# the generator never leaves two answers of one subscale empty.
MISSING_RATE = 0.02


def traits(rng: random.Random, shift: float = 0.0) -> dict:
    """Three latent traits: EE and DP correlated +0.5, PA -0.3 with both."""
    a, b, c = rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 1)
    ee = a
    dp = 0.5 * a + math.sqrt(0.75) * b
    pa = -0.3 * a - 0.3 * b + math.sqrt(1 - 0.18) * c
    return {"EE": ee + shift, "DP": dp + shift, "PA": pa - shift}


def answers_of(rng: random.Random, latent: dict) -> dict:
    answers = {}
    missing_in = set()
    for item in ITEMS:
        subscale = SUBSCALE_OF[item]
        if subscale not in missing_in and rng.random() < MISSING_RATE:
            missing_in.add(subscale)
            answers[item] = None
            continue
        x = 3.0 + 1.4 * latent[subscale] + rng.gauss(0, 1.0)
        answers[item] = min(6, max(0, int(round(x))))
    return answers


def wave(rng: random.Random, prefix: str, n: int, shift: float = 0.0) -> list:
    return [{"id": f"{prefix}{i:05d}", "answers": answers_of(rng, traits(rng, shift))} for i in range(1, n + 1)]


def write_json(path: pathlib.Path, body: dict) -> None:
    # Compact, as clients send it; a newline keeps the files friendly to cat.
    path.write_text(json.dumps(body, separators=(",", ":")) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="directory to write the bodies into (created)")
    parser.add_argument("--batch", type=int, default=500, help="respondents of score-batch.json (default 500)")
    parser.add_argument("--seed", type=int, default=20240607, help="random seed (default 20240607)")
    here = pathlib.Path(__file__).resolve().parent
    parser.add_argument(
        "--instruments",
        default=str(here.parent.parent / "instruments"),
        help="directory holding phq-9.json, for the inline-definition body",
    )
    args = parser.parse_args()

    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)

    write_json(out / "score-single.json", {"responses": wave(rng, "s", 1)})
    write_json(out / "score-batch.json", {"responses": wave(rng, "b", args.batch)})

    rows = ["id," + ",".join(ITEMS)]
    for respondent in wave(rng, "c", 200):
        cells = ["" if respondent["answers"][item] is None else str(respondent["answers"][item]) for item in ITEMS]
        rows.append(respondent["id"] + "," + ",".join(cells))
    (out / "score.csv").write_text("\n".join(rows) + "\n")

    # The inline body carries a whole definition, so every request parses and
    # validates it and computes its sha256: a different path from the registry.
    phq9 = json.loads((pathlib.Path(args.instruments) / "phq-9.json").read_text())
    phq9_responses = []
    for i in range(1, 21):
        level = rng.gauss(0, 1)
        answers = {}
        for k in range(1, 10):
            answers[str(k)] = min(3, max(0, int(round(1.2 + 0.8 * level + rng.gauss(0, 0.7)))))
        phq9_responses.append({"id": f"q{i:03d}", "answers": answers})
    write_json(out / "score-inline.json", {"instrument": phq9, "responses": phq9_responses})

    write_json(
        out / "reliability.json",
        {"responses": wave(rng, "r", 300), "options": {"bootstrap": {"iterations": 200, "seed": 7}}},
    )

    # Post answers: the same people (same ids), their traits shifted towards
    # less burnout with person-level noise, so change has real pairs.
    pre, post = [], []
    for i in range(1, 101):
        latent = traits(rng)
        pid = f"p{i:04d}"
        pre.append({"id": pid, "answers": answers_of(rng, latent)})
        moved = {k: v + (-0.3 if k != "PA" else 0.3) + rng.gauss(0, 0.4) for k, v in latent.items()}
        post.append({"id": pid, "answers": answers_of(rng, moved)})
    write_json(out / "change.json", {"pre": pre, "post": post})

    write_json(
        out / "compare.json",
        {
            "groups": {
                "under_1": wave(rng, "u", 50, 0.2),
                "1_to_4": wave(rng, "m", 50, 0.0),
                "5_plus": wave(rng, "f", 50, -0.2),
            }
        },
    )


if __name__ == "__main__":
    main()
