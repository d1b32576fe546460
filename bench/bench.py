"""msglint benchmark: throughput against plain spaCy, whole runs as users start them, start-up,
re-checks, memory.

Every figure is measured in this run against a baseline measured in the same run, and printed as a
ratio. Rows are timed in turns (every row once, then every row again, --repeat times) after one
untimed warm-up each, and the best time of each row is kept: on a shared machine the best of a few
turns is the figure least moved by other load. The generated corpus is made deterministically from
corpora/ (seeded combinations of our own cases), so messages are distinct and no cache can make the
throughput figure; the dev sets' real copy is read in place and written to a temporary folder for the
whole-process rows, never into the repository.

    python bench/bench.py --dev           # everything (about fifteen minutes on a busy 2-core machine)
    python bench/bench.py --words 20000   # a quicker, smaller run
    git archive 74208a4 | tar -x -C /tmp/before && python bench/bench.py --dev --compare-with /tmp/before
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV_SETS = [REPO.parent / "shared" / "eval" / name for name in ("dev.jsonl", "dev2.jsonl")]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from timers import one_blas_thread  # noqa: E402

one_blas_thread()  # the in-process rows as the console entry runs them: set before numpy loads

from msglint.evaluation.corpus import load_corpus  # noqa: E402


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


def dev_texts() -> list[str]:
    """The real copy of the dev sets beside this checkout (none when they are absent)."""
    return [json.loads(line)["text"] for path in DEV_SETS if path.is_file()
            for line in path.read_text().splitlines() if line.strip()]


def dev_messages(min_words: int) -> list[str]:
    """The dev sets' real copy, read in place and repeated, every sentence made unique."""
    texts = dev_texts()
    counter, messages, words = itertools.count(1), [], 0
    while words < min_words:
        for text in texts:
            message = _uniquify(text, counter)
            messages.append(message)
            words += len(message.split())
    return messages


def write_dev_copy(folder: Path, files: int) -> int:
    """One file per message of the dev sets' real copy, repeated, every sentence made unique; the
    words written (0, and no folder, when the dev sets are absent)."""
    texts = dev_texts()
    if not texts:
        return 0
    folder.mkdir()
    counter, words = itertools.count(1), 0
    for index in range(files):
        message = _uniquify(texts[index % len(texts)], counter)
        words += len(message.split())
        (folder / f"m{index:05}.txt").write_text(message, encoding="utf-8")
    return words


PARTS = ("generated", "dev", "process", "startup", "memory")


def words_in(messages: list[str]) -> int:
    return sum(len(m.split()) for m in messages)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def best_in_turns(rows: dict, repeat: int) -> dict:
    """{label: function} -> {label: best seconds}: one untimed warm-up each, then `repeat` turns in
    which every row runs once, so that each row meets the same spells of load from other processes."""
    for function in rows.values():
        function()
    best = {label: float("inf") for label in rows}
    for _ in range(repeat):
        for label, function in rows.items():
            best[label] = min(best[label], timed(function))
    return best


# Processes run as from an installed package: with bytecode caches written (pip compiles them at
# install time; the warm-up turn writes them here), whatever PYTHONDONTWRITEBYTECODE says.
PROCESS_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_quietly(command: list[str], env=None, cwd=None) -> None:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or PROCESS_ENV,
                   cwd=cwd, check=False)


def peak_rss_mb(command: list[str], env=None) -> float:
    """Peak resident memory of one command, measured by a fresh parent that runs only it: the
    kernel's RUSAGE_CHILDREN is the largest child a process ever had."""
    probe = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); " \
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    run = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, env=env, check=True)
    return int(run.stdout.strip()) / 1024


def peak_total_pss_mb(command: list[str]) -> float | None:
    """Peak memory of a command and its worker processes together, each page counted once however
    many processes share it (Linux's proportional set size, sampled every 50 ms); None elsewhere."""
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)

    def tree(pid: int) -> list[int]:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        return [pid] + [descendant for child in children for descendant in tree(int(child))]

    peak = 0
    while process.poll() is None:
        total = 0
        for pid in tree(process.pid):
            try:
                total += sum(int(line.split()[1]) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                             if line.startswith("Pss:"))
            except OSError:
                pass  # a worker that has just ended
        peak = max(peak, total)
        time.sleep(0.05)
    return peak / 1024


def stage_summary(linter) -> str:
    units, tokens = linter.stage_counts, linter.stage_tokens
    total_tokens = sum(tokens.values()) or 1
    return ", ".join(f"{name} {units[name]:,} units ({100 * tokens[name] / total_tokens:.0f}% of tokens)"
                     for name in ("surface", "tagged", "parsed") if units[name])


def throughput(title: str, messages: list[str], model: str, jobs: int, repeat: int) -> None:
    import spacy

    from msglint.api import build_ruleset, settings_config
    from msglint.sources.context import Context
    from msglint.analysis.engine import Linter
    from msglint.sources.message import message_from_text

    words = words_in(messages)
    print(f"{title}: {len(messages)} messages, {words:,} words")
    from msglint.analysis.nlp import numpy_matrix_products

    full = spacy.load(model)
    no_ner = spacy.load(model, exclude=["ner"])
    with numpy_matrix_products():  # as msglint builds its own
        full_numpy = spacy.load(model)
    ruleset = build_ruleset(settings_config(None), (), builtin=True)
    items = [(message_from_text(m), Context()) for m in messages]
    linters = {"msglint, parsing every unit": Linter(ruleset, pipeline=model, shortcut=False),
               "msglint": Linter(ruleset, pipeline=model),
               f"msglint --jobs {jobs}": Linter(ruleset, pipeline=model, jobs=jobs)}
    for linter in linters.values():
        linter.compiled  # compile before the clock starts, as a long run would
    rows = {"spaCy tokenizer only (ceiling)": lambda: list(full.tokenizer.pipe(messages, batch_size=256)),
            "spaCy full pipeline (baseline)": lambda: list(full.pipe(messages, batch_size=64)),
            "spaCy without ner": lambda: list(no_ner.pipe(messages, batch_size=64)),
            "spaCy full, numpy's matrix product": lambda: list(full_numpy.pipe(messages, batch_size=64))}
    def checked(linter):
        linter.known.forget()  # every turn analyses afresh: no turn reuses the texts of the one before
        return list(linter.check(items))

    rows.update({label: (lambda linter=linter: checked(linter)) for label, linter in linters.items()})
    best = best_in_turns(rows, repeat)
    baseline = best["spaCy full pipeline (baseline)"]
    print(f"  {'':36} {'words/s':>10}   vs baseline   (best of {repeat} turns)")
    for label, seconds in best.items():
        print(f"  {label:36} {words / seconds:>10,.0f}   {baseline / seconds:>5.2f}x")
    linter = linters["msglint"]
    linter.stage_counts.clear()
    linter.stage_tokens.clear()
    checked(linter)
    print(f"  msglint's units by stage: {stage_summary(linter)}")
    print()


PLAIN_PIPE = """import pathlib, sys, spacy, thinc.api
with thinc.api.use_ops("numpy", use_blis=sys.argv[3:] != ["--numpy"]):
    nlp = spacy.load(sys.argv[1])
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[2]).iterdir())]
for doc in nlp.pipe(texts, batch_size=64):
    pass
"""


def other_version(folder: str | None) -> dict:
    """Extra process rows for another msglint source checkout (--compare-with), run from there."""
    if not folder:
        return {}
    env = {**PROCESS_ENV, "PYTHONPATH": str(Path(folder).resolve())}
    return {"env": env, "cwd": str(Path(folder).resolve()), "label": f"msglint at {folder}"}


def whole_process(root: Path, model: str, files: int, repeat: int, other: dict) -> None:
    """`msglint check --no-cache DIR` against a plain nlp.pipe script, both as users start them,
    over one file per message of the dev sets' real copy (repeated, every sentence made unique)."""
    folder = root / "dev-copy"
    words = write_dev_copy(folder, files)
    if not words:
        return
    script = root / "plain_pipe.py"
    script.write_text(PLAIN_PIPE)
    python = sys.executable
    commands = {"python plain_pipe.py (spaCy full pipeline)": [python, str(script), model, str(folder)],
                "the same, numpy's matrix product": [python, str(script), model, str(folder), "--numpy"],
                "msglint check --no-cache DIR": [python, "-m", "msglint", "check", "--no-cache", "--format", "json",
                                                 str(folder)],
                "the same, --jobs 1 (one process)": [python, "-m", "msglint", "check", "--no-cache", "--jobs", "1",
                                                     "--format", "json", str(folder)]}
    rows = {label: (lambda c=command: run_quietly(c)) for label, command in commands.items()}
    if other:
        command = commands["msglint check --no-cache DIR"]
        rows[other["label"]] = lambda: run_quietly(command, env=other["env"], cwd=other["cwd"])
    best = best_in_turns(rows, repeat)
    baseline = best["python plain_pipe.py (spaCy full pipeline)"]
    print(f"whole process, {files:,} files of dev copy ({words:,} words), best of {repeat} turns")
    for label, seconds in best.items():
        print(f"  {label:40} {seconds:>7.2f} s   {baseline / seconds:>5.2f}x")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=100_000, help="size of each throughput corpus")
    parser.add_argument("--repeat", type=int, default=3, help="timed turns per throughput and whole-process row")
    parser.add_argument("--runs", type=int, default=5, help="timed turns per start-up figure")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel throughput row")
    parser.add_argument("--dev", action="store_true",
                        help="also measure on ../shared/eval/dev.jsonl and dev2.jsonl: throughput, and whole runs")
    parser.add_argument("--process-files", type=int, default=2_000, help="files of dev copy for the whole-process row")
    parser.add_argument("--compare-with", metavar="DIR",
                        help="another msglint source checkout (e.g. from git archive REV) timed in the same "
                             "whole-process and cold-start turns")
    parser.add_argument("--memory-files", type=int, nargs=2, default=[1_000, 10_000], metavar=("FEW", "MANY"),
                        help="file counts whose peak memory is compared")
    parser.add_argument("--memory-words", type=int, nargs=2, default=[20_000, 200_000], metavar=("SMALL", "LARGE"),
                        help="sizes in words of the single files whose peak memory is compared")
    parser.add_argument("--only", metavar="PARTS", default=",".join(PARTS),
                        help=f"comma-separated parts to run, of {', '.join(PARTS)} (default: all; "
                             "dev and process read the dev sets, so they run only with --dev)")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if not parts <= set(PARTS):
        parser.error(f"--only takes {', '.join(PARTS)}")

    import spacy

    from msglint.analysis.nlp import resolve_pipeline_name

    model = resolve_pipeline_name(None)
    print(f"pipeline: {model}, spaCy {spacy.__version__}, {os.cpu_count()} CPUs; msglint without its result cache")
    print()
    if "generated" in parts:
        throughput("corpus generated from corpora/ (seed 2026)", build_messages(args.words), model, args.jobs,
                   args.repeat)
    if args.dev and dev_texts() and "dev" in parts:
        throughput("../shared/eval/dev*.jsonl, repeated", dev_messages(args.words), model, args.jobs, args.repeat)

    python = sys.executable
    msglint = [python, "-m", "msglint"]
    bare_load = [python, "-c", f"import spacy; spacy.load({model!r})"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if args.dev and "process" in parts:
            whole_process(root, model, args.process_files, args.repeat, other_version(args.compare_with))
        if "startup" in parts:
            startup(root, msglint, bare_load, args)
        if "memory" in parts:
            memory(root, msglint, bare_load, args)


def startup(root: Path, msglint: list[str], bare_load: list[str], args) -> None:
    one = root / "subject-lines.txt"
    one.write_text((REPO / "examples" / "haskell-subject-lines.txt").read_text())
    templates = root / "templates"
    templates.mkdir()
    for index, message in enumerate(build_messages(5_000, seed=7)):
        (templates / f"t{index:03}.txt").write_text(message)
    count = len(list(templates.iterdir()))
    cache_env = {**PROCESS_ENV, "MSGLINT_CACHE_DIR": str(root / "cache")}
    run_quietly(msglint + ["check", str(templates)], env=cache_env)
    rows = {
        "load": lambda: run_quietly(bare_load),
        "cold": lambda: run_quietly(msglint + ["check", "--no-cache", str(one)]),
        "warm": lambda: run_quietly(msglint + ["check", str(templates)], env=cache_env),
    }
    other = other_version(args.compare_with)
    if other:
        rows["other"] = lambda: run_quietly(msglint + ["check", "--no-cache", str(one)], env=other["env"],
                                            cwd=other["cwd"])
    best = best_in_turns(rows, args.runs)
    load, cold, warm = best["load"], best["cold"], best["warm"]

    print(f"process wall time (best of {args.runs} turns)")
    print(f"  python -c 'spacy.load(...)'             {load:>7.2f} s   1.00x")
    print(f"  msglint check one file, --no-cache      {cold:>7.2f} s   {cold / load:.2f}x")
    if other:
        print(f"  the same, {other['label']:<29} {best['other']:>7.2f} s   {best['other'] / load:.2f}x")
    print(f"  msglint check {count} unchanged files       {warm:>7.2f} s   (result cache warm)")
    print()


def memory(root: Path, msglint: list[str], bare_load: list[str], args) -> None:
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
    # with workers the rows above are the largest process's; they share the pipeline's pages
    for jobs in ("auto", "1"):
        command = msglint + ["check", "--no-cache", "--jobs", jobs, "--format", "json", str(folder_n)]
        if jobs == "1":
            print(f"  {files:,} files, --jobs 1                {peak_rss_mb(command):>7.0f} MB")
        total = peak_total_pss_mb(command)
        if total is not None:
            label = f"{files:,} files, --jobs {jobs}, all processes"
            print(f"  {label:40} {total:>6.0f} MB   (proportional set size)")


if __name__ == "__main__":
    main()
