"""msglint benchmark: throughput against plain spaCy, process start-up, re-checks, memory.

Every figure is measured in this run against a baseline measured in the same run, and printed as a
ratio. The message corpus is generated deterministically from corpora/: seeded combinations of our
own cases, so messages are distinct and no cache can make the throughput figure.

    python bench/bench.py                 # everything (about two minutes on 2 cores)
    python bench/bench.py --words 20000   # a quicker, smaller run
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from msglint.corpus import load_corpus  # noqa: E402


def build_messages(min_words: int, seed: int = 2026) -> list[str]:
    texts = [case.text for case in load_corpus(REPO / "corpora") if case.text.strip()]
    rng = random.Random(seed)
    messages, words = [], 0
    while words < min_words:
        message = "\n".join(rng.sample(texts, rng.randint(1, 4)))
        messages.append(message)
        words += len(message.split())
    return messages


def words_in(messages: list[str]) -> int:
    return sum(len(m.split()) for m in messages)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def best_of(runs: int, function) -> float:
    return min(timed(function) for _ in range(runs))


def median_process_seconds(command: list[str], runs: int, env=None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(command: list[str], env=None) -> float:
    """Peak resident memory of a child process, from the kernel's own accounting."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=100_000, help="size of the throughput corpus")
    parser.add_argument("--runs", type=int, default=5, help="process runs per start-up figure (median)")
    args = parser.parse_args()

    import spacy

    from msglint.api import build_ruleset, settings_config
    from msglint.context import Context
    from msglint.engine import Linter
    from msglint.message import message_from_text
    from msglint.nlp import resolve_pipeline_name

    model = resolve_pipeline_name(None)
    messages = build_messages(args.words)
    words = words_in(messages)
    print(f"corpus: {len(messages)} messages, {words} words, generated from corpora/ (seed 2026)")
    print(f"pipeline: {model}, spaCy {spacy.__version__}, {os.cpu_count()} CPUs")
    print()

    full = spacy.load(model)
    baseline = best_of(1, lambda: list(full.pipe(messages, batch_size=64)))
    tokenizer = best_of(1, lambda: list(full.tokenizer.pipe(messages, batch_size=256)))
    no_ner = spacy.load(model, exclude=["ner"])
    without_ner = best_of(1, lambda: list(no_ner.pipe(messages, batch_size=64)))
    del full, no_ner

    linter = Linter(build_ruleset(settings_config(None), (), builtin=True), pipeline=model)
    context = Context()
    items = [(message_from_text(m), context) for m in messages]
    msglint_seconds = best_of(1, lambda: list(linter.check(items)))

    rate = lambda seconds: words / seconds  # noqa: E731
    print("throughput (words/second, one pass over the corpus)")
    print(f"  spaCy tokenizer only (ceiling)      {rate(tokenizer):>10,.0f}")
    print(f"  spaCy full pipeline (baseline)      {rate(baseline):>10,.0f}   1.00x")
    print(f"  spaCy without ner                   {rate(without_ner):>10,.0f}   {baseline / without_ner:.2f}x")
    print(f"  msglint check                       {rate(msglint_seconds):>10,.0f}   {baseline / msglint_seconds:.2f}x")
    print()

    python = sys.executable
    msglint = [python, "-m", "msglint"]
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "subject-lines.txt"
        one.write_text((REPO / "examples" / "haskell-subject-lines.txt").read_text())
        load = median_process_seconds([python, "-c", f"import spacy; spacy.load({model!r})"], args.runs)
        cold = median_process_seconds(msglint + ["check", "--no-cache", str(one)], args.runs)
        templates = Path(folder) / "templates"
        templates.mkdir()
        for index, message in enumerate(messages[:50]):
            (templates / f"t{index:03}.txt").write_text(message)
        cache_env = {**os.environ, "MSGLINT_CACHE_DIR": str(Path(folder) / "cache")}
        subprocess.run(msglint + ["check", str(templates)], env=cache_env, stdout=subprocess.DEVNULL, check=False)
        warm = median_process_seconds(msglint + ["check", str(templates)], args.runs, env=cache_env)
        big = Path(folder) / "big.txt"
        big.write_text("\n\n".join(messages))
        peak = peak_rss_mb(msglint + ["check", "--no-cache", str(big)])
        bare = peak_rss_mb([python, "-c", f"import spacy; spacy.load({model!r})"])

    print(f"process wall time (median of {args.runs})")
    print(f"  python -c 'spacy.load(...)'         {load:>8.2f} s   1.00x")
    print(f"  msglint check one file, --no-cache  {cold:>8.2f} s   {cold / load:.2f}x")
    print(f"  msglint check 50 unchanged files    {warm:>8.2f} s   (result cache warm)")
    print()
    print("peak memory (resident)")
    print(f"  python -c 'spacy.load(...)'         {bare:>8.0f} MB")
    print(f"  msglint check, {words:,} words in one file {peak:>6.0f} MB")


if __name__ == "__main__":
    main()
