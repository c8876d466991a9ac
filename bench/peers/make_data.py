#!/usr/bin/env python3
"""Synthetic MBI-HSS answers for the whole-process comparison against R.

Writes a CSV with a header `id,1,...,22` and one row per respondent: answers
0..6 (the MBI-HSS frequency scale), ~2% of cells left empty (missing at
random). Answers are correlated within the EE, DP and PA subscales like real
data: each respondent has three latent traits (EE and DP correlated +0.5, PA
correlated -0.3 with both), and every item is its subscale's trait times a
loading plus item noise, cut into 7 categories with item-specific thresholds.
Python stdlib only; deterministic for a given seed and N.

Usage: make_data.py OUT.csv [--n N] [--seed S] [--missing P]
"""

import argparse
import math
import random

SUBSCALES = {
    "EE": [1, 2, 3, 6, 8, 13, 14, 16, 20],
    "DP": [5, 10, 11, 15, 22],
    "PA": [4, 7, 9, 12, 17, 18, 19, 21],
}
ITEMS = 22


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="CSV file to write")
    parser.add_argument("--n", type=int, default=200_000, help="respondents (default 200000)")
    parser.add_argument("--seed", type=int, default=20240301, help="random seed")
    parser.add_argument("--missing", type=float, default=0.02, help="share of empty cells (default 0.02)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    subscale_of = {item: name for name, items in SUBSCALES.items() for item in items}
    # Per-item loading and location, fixed by the seed (EE items load highest,
    # DP answers are skewed towards "never", PA towards "often").
    loading = {}
    location = {}
    for item in range(1, ITEMS + 1):
        name = subscale_of[item]
        loading[item] = {"EE": 0.8, "DP": 0.65, "PA": 0.6}[name] + rng.uniform(-0.1, 0.1)
        location[item] = {"EE": 2.5, "DP": 1.3, "PA": 4.6}[name] + rng.uniform(-0.5, 0.5)

    # Cholesky factor of the trait correlation matrix
    # [[1, .5, -.3], [.5, 1, -.3], [-.3, -.3, 1]].
    l11 = 1.0
    l21 = 0.5
    l22 = math.sqrt(1 - l21 * l21)
    l31 = -0.3
    l32 = (-0.3 - l31 * l21) / l22
    l33 = math.sqrt(1 - l31 * l31 - l32 * l32)

    gauss = rng.gauss
    uniform = rng.random
    missing = args.missing
    with open(args.out, "w", encoding="ascii", newline="") as out:
        out.write("id," + ",".join(str(i) for i in range(1, ITEMS + 1)) + "\n")
        lines = []
        for r in range(1, args.n + 1):
            z1, z2, z3 = gauss(0, 1), gauss(0, 1), gauss(0, 1)
            trait = {"EE": l11 * z1, "DP": l21 * z1 + l22 * z2, "PA": l31 * z1 + l32 * z2 + l33 * z3}
            cells = [str(r)]
            for item in range(1, ITEMS + 1):
                if uniform() < missing:
                    cells.append("")
                    continue
                lam = loading[item]
                latent = lam * trait[subscale_of[item]] + math.sqrt(1 - lam * lam) * gauss(0, 1)
                value = round(location[item] + 1.5 * latent)
                cells.append(str(min(6, max(0, value))))
            lines.append(",".join(cells))
            if len(lines) == 10_000:
                out.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
