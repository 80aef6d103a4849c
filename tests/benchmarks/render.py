"""Worst render and diff times over the generated families (a benchmark, not a test).

    PYTHONPATH=. .venv/bin/python -m tests.benchmarks.render [--seeds 50]

Renders every family of tests/support/pathological.py at the narrative limit (20,000
characters), ``--seeds`` seeded random texts and as many mixes of families, then diffs its
DIFF_PAIRS; prints the slowest of each in CPU seconds (the tests hold them to 0.25 s per render
and 0.2 s per diff).
"""

from __future__ import annotations

import argparse

from tests.support.pathological import (
    DIFF_PAIRS,
    FAMILIES,
    cpu_seconds,
    mixed_families,
    random_markdown,
)
from tracker.config import DEFAULTS
from tracker.domain.diff import text_diff
from tracker.domain.markdown import render_markdown


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=50)
    seeds = parser.parse_args().seeds
    limit = DEFAULTS["NARRATIVE_MAX_LENGTH"]
    texts = {name: family(limit) for name, family in FAMILIES.items()}
    texts |= {f"random seed {seed}": random_markdown(seed, limit) for seed in range(seeds)}
    texts |= {f"mixed seed {seed}": mixed_families(seed, limit) for seed in range(seeds)}
    renders = sorted(((cpu_seconds(render_markdown, text), name) for name, text in texts.items()))
    diffs = sorted((cpu_seconds(text_diff, *pair), name) for name, pair in DIFF_PAIRS.items())
    print(f"renders: {len(renders)} texts of {limit} characters")
    for seconds, name in renders[-5:]:
        print(f"  {seconds:.3f} s  {name}")
    print(f"diffs: {len(diffs)} pairs")
    for seconds, name in diffs[-3:]:
        print(f"  {seconds:.3f} s  {name}")
    print(
        f"worst render {renders[-1][0]:.3f} s ({renders[-1][1]}); "
        f"worst diff {diffs[-1][0]:.3f} s ({diffs[-1][1]})"
    )


if __name__ == "__main__":
    main()
