"""msglint benchmark: throughput against plain spaCy, process start-up, re-checks, memory.

Every figure is measured in this run against a baseline measured in the same run, and printed as a
ratio. The message corpus is generated deterministically from corpora/: seeded combinations of our
own cases, so messages are distinct and no cache can make the throughput figure.

    python bench/bench.py                 # everything (about two minutes on 2 cores)
    python bench/bench.py --words 20000   # a quicker, smaller run
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO.parent / "shared" / "eval" / "dev.jsonl"
sys.path.insert(0, str(REPO))

from msglint.corpus import load_corpus  # noqa: E402


PRODUCTS = ["desk lamp", "rain jacket", "espresso maker", "trail shoe", "linen shirt", "wool throw", "air fryer",
            "phone case", "yoga mat", "garden hose", "kettle", "backpack", "bike light", "tea sampler", "duvet cover"]
COLOURS = ["navy", "sage", "rust", "charcoal", "sand", "olive", "berry"]
MATERIALS = ["recycled nylon", "organic cotton", "oak", "stainless steel", "merino wool", "bamboo"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PLAIN = [
    "The {product} is {pct}% off until {day}.",
    "New in: the {product} in {colour}, ${price}.",
    "Made from {material}, the {product} weighs {grams} grams.",
    "Order the {product} by {hour}pm on {day} for dispatch the same day.",
    "The {product} comes in {n} sizes and {m} colours.",
    "Prices start at ${price} for the small {product}.",
    "Our {colour} {product} is back in stock: {n} left in the warehouse.",
]


def _plain_sentence(rng: random.Random) -> str:
    return rng.choice(PLAIN).format(
        product=rng.choice(PRODUCTS), colour=rng.choice(COLOURS), material=rng.choice(MATERIALS),
        day=rng.choice(DAYS), pct=rng.randint(5, 70), price=rng.randint(9, 400), grams=rng.randint(80, 3000),
        hour=rng.randint(1, 6), n=rng.randint(2, 9), m=rng.randint(2, 12))


def _uniquify(text: str, counter) -> str:
    """Give every sentence a number of its own, so that no two units are the same text."""
    marked = re.sub(r"([.!?])(?=\s|$)", lambda m: f" (ref {next(counter)}){m.group(1)}", text)
    return marked if marked != text else f"{text} (ref {next(counter)})"


def build_messages(min_words: int, seed: int = 2026) -> list[str]:
    """One or two of our corpus cases, each among two to four plain catalogue sentences."""
    cases = [case.text for case in load_corpus(REPO / "corpora") if case.text.strip()]
    rng, counter = random.Random(seed), itertools.count(1)
    messages, words = [], 0
    while words < min_words:
        sentences = [_plain_sentence(rng) for _ in range(rng.randint(2, 4))]
        for case in rng.sample(cases, rng.randint(1, 2)):
            sentences.insert(rng.randint(0, len(sentences)), case)
        message = "\n".join(_uniquify(sentence, counter) for sentence in sentences)
        messages.append(message)
        words += len(message.split())
    return messages


def dev_messages(min_words: int) -> list[str]:
    """The dev set's real copy, read in place and repeated, every sentence made unique."""
    texts = [json.loads(line)["text"] for line in DEV_SET.read_text().splitlines() if line.strip()]
    counter, messages, words = itertools.count(1), [], 0
    while words < min_words:
        for text in texts:
            message = _uniquify(text, counter)
            messages.append(message)
            words += len(message.split())
    return messages


def words_in(messages: list[str]) -> int:
    return sum(len(m.split()) for m in messages)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_process_seconds(command: list[str], runs: int, env=None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(command: list[str], env=None) -> float:
    """Peak resident memory of one command, measured by a fresh parent that runs only it: the
    kernel's RUSAGE_CHILDREN is the largest child a process ever had."""
    probe = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); " \
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    run = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, env=env, check=True)
    return int(run.stdout.strip()) / 1024


def throughput(title: str, messages: list[str], model: str, jobs: int) -> None:
    import spacy

    from msglint.api import build_ruleset, settings_config
    from msglint.context import Context
    from msglint.engine import Linter
    from msglint.message import message_from_text

    words = words_in(messages)
    print(f"{title}: {len(messages)} messages, {words:,} words")
    full = spacy.load(model)
    baseline = timed(lambda: list(full.pipe(messages, batch_size=64)))
    tokenizer = timed(lambda: list(full.tokenizer.pipe(messages, batch_size=256)))
    del full
    no_ner = spacy.load(model, exclude=["ner"])
    without_ner = timed(lambda: list(no_ner.pipe(messages, batch_size=64)))
    del no_ner
    ruleset = build_ruleset(settings_config(None), (), builtin=True)
    items = [(message_from_text(m), Context()) for m in messages]
    rows = [("spaCy tokenizer only (ceiling)", tokenizer), ("spaCy full pipeline (baseline)", baseline),
            ("spaCy without ner", without_ner)]
    for label, linter in (("msglint, parsing every unit", Linter(ruleset, pipeline=model, shortcut=False)),
                          ("msglint", Linter(ruleset, pipeline=model)),
                          (f"msglint --jobs {jobs}", Linter(ruleset, pipeline=model, jobs=jobs))):
        linter.compiled  # compile before the clock starts, as a long run would
        rows.append((label, timed(lambda: list(linter.check(items)))))
    print(f"  {'':36} {'words/s':>10}   vs baseline")
    for label, seconds in rows:
        print(f"  {label:36} {words / seconds:>10,.0f}   {baseline / seconds:>5.2f}x")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=100_000, help="size of each throughput corpus")
    parser.add_argument("--runs", type=int, default=5, help="process runs per start-up figure (median)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel throughput row")
    parser.add_argument("--dev", action="store_true", help="also measure on ../shared/eval/dev.jsonl, repeated")
    parser.add_argument("--memory-files", type=int, nargs=2, default=[1_000, 10_000], metavar=("FEW", "MANY"),
                        help="file counts whose peak memory is compared")
    parser.add_argument("--memory-words", type=int, nargs=2, default=[20_000, 200_000], metavar=("SMALL", "LARGE"),
                        help="sizes in words of the single files whose peak memory is compared")
    args = parser.parse_args()

    import spacy

    from msglint.nlp import resolve_pipeline_name

    model = resolve_pipeline_name(None)
    print(f"pipeline: {model}, spaCy {spacy.__version__}, {os.cpu_count()} CPUs; msglint without its result cache")
    print()
    throughput("corpus generated from corpora/ (seed 2026)", build_messages(args.words), model, args.jobs)
    if args.dev and DEV_SET.is_file():
        throughput("../shared/eval/dev.jsonl, repeated", dev_messages(args.words), model, args.jobs)

    python = sys.executable
    msglint = [python, "-m", "msglint"]
    bare_load = [python, "-c", f"import spacy; spacy.load({model!r})"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        one = root / "subject-lines.txt"
        one.write_text((REPO / "examples" / "haskell-subject-lines.txt").read_text())
        load = median_process_seconds(bare_load, args.runs)
        cold = median_process_seconds(msglint + ["check", "--no-cache", str(one)], args.runs)
        templates = root / "templates"
        templates.mkdir()
        for index, message in enumerate(build_messages(5_000, seed=7)):
            (templates / f"t{index:03}.txt").write_text(message)
        count = len(list(templates.iterdir()))
        cache_env = {**os.environ, "MSGLINT_CACHE_DIR": str(root / "cache")}
        subprocess.run(msglint + ["check", str(templates)], env=cache_env, stdout=subprocess.DEVNULL, check=False)
        warm = median_process_seconds(msglint + ["check", str(templates)], args.runs, env=cache_env)

        print(f"process wall time (median of {args.runs})")
        print(f"  python -c 'spacy.load(...)'             {load:>7.2f} s   1.00x")
        print(f"  msglint check one file, --no-cache      {cold:>7.2f} s   {cold / load:.2f}x")
        print(f"  msglint check {count} unchanged files       {warm:>7.2f} s   (result cache warm)")
        print()

        print("peak memory (resident)")
        print(f"  python -c 'spacy.load(...)'             {peak_rss_mb(bare_load):>7.0f} MB")
        for words in args.memory_words:
            big = root / f"big-{words}.txt"
            big.write_text("\n\n".join(build_messages(words, seed=words)))
            size = big.stat().st_size / 1e6
            peak = peak_rss_mb(msglint + ["check", "--no-cache", "--format", "json", str(big)])
            print(f"  one file of {size:5.1f} MB ({words:,} words)    {peak:>7.0f} MB")
        for files in args.memory_files:
            folder_n = root / f"many-{files}"
            folder_n.mkdir()
            for index in range(files):
                (folder_n / f"m{index:06}.txt").write_text(f"Lamp {index} is {index % 70}% off until Friday.")
            peak = peak_rss_mb(msglint + ["check", "--no-cache", "--format", "json", str(folder_n)])
            print(f"  {files:,} files                            {peak:>7.0f} MB")


if __name__ == "__main__":
    main()
