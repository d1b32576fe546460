"""Where a whole `msglint check --no-cache` run spends its time, cold, as the bench's whole-process
row starts it: one file per message of the dev sets' real copy (made unique as bench.py makes it),
written to a temporary folder, checked once in this fresh process.

    python bench/process_phases.py                 # 2,000 files, as `bench.py --dev`
    python bench/process_phases.py --files 500
    python bench/process_phases.py --jobs auto     # with workers: split at the fork

Phases nest as the run does ("units" holds planning, the surface, the model; "the model" holds its
pipes), so they do not sum. One cold run is the point: run it a few times and read the spread.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timers import Timers, one_blas_thread  # noqa: E402

one_blas_thread()  # before numpy loads, as the console entry does
timers = Timers()
spent, timed = timers.spent, timers.wrap


def timed_pipes(engine) -> None:
    """The model's time per pipe, as Linter._through runs them."""

    def through(self, docs, pipes, batch_size):
        stream = list(docs)
        for name, pipe in self.nlp.pipeline:
            if name in pipes:
                pipe = self._stand_ins.get(name, pipe)
                start = time.perf_counter()
                stream = list(pipe.pipe(stream, batch_size=batch_size) if hasattr(pipe, "pipe") else map(pipe, stream))
                spent[f"  the model: {name}"] += time.perf_counter() - start
        return stream

    engine.Linter._through = through


class _TimedTokenizer:
    """The pipeline's tokenizer, with the time its Docs take to make counted (they are made as the
    units are consumed, so no wrapper around a caller could tell)."""

    def __init__(self, tokenizer):
        self._tokenizer = tokenizer

    def __call__(self, text):
        start = time.perf_counter()
        try:
            return self._tokenizer(text)
        finally:
            spent["tokenizing (inside units and paragraphs)"] += time.perf_counter() - start

    def pipe(self, texts, **kwargs):
        docs = self._tokenizer.pipe(texts, **kwargs)
        while True:
            start = time.perf_counter()
            doc = next(docs, None)
            spent["tokenizing (inside units and paragraphs)"] += time.perf_counter() - start
            if doc is None:
                return
            yield doc

    def __getattr__(self, name):
        return getattr(self._tokenizer, name)


def timed_workers() -> dict:
    """When the run forks workers: the moments they start and return their last result."""
    import msglint.analysis.workers as workers

    marks: dict = {}
    check_in_workers = workers.check_in_workers

    def timed_check(*args, **kwargs):
        marks["start"] = time.perf_counter()
        yield from check_in_workers(*args, **kwargs)
        marks["done"] = time.perf_counter()

    workers.check_in_workers = timed_check
    return marks


def timed_tokenizer(nlp_module) -> None:
    load = nlp_module.load_pipeline

    def load_pipeline(*args, **kwargs):
        nlp = load(*args, **kwargs)
        if not isinstance(nlp.tokenizer, _TimedTokenizer):
            nlp.tokenizer = _TimedTokenizer(nlp.tokenizer)
        return nlp

    nlp_module.load_pipeline = load_pipeline


ORDER = ["importing spaCy", "loading the rules", "reading and validating the files", "loading the pipeline",
         "compiling the rules", "tokenizing (inside units and paragraphs)", "units (everything per unit)",
         "  planning the patterns the copy reaches", "  the surface: words, anchors, gates, matching",
         "  the model (tagged and parsed units)", "  the model: tok2vec", "  the model: tagger",
         "  the model: parser", "  the model: attribute_ruler", "  the model: lemmatizer",
         "  matching past the surface", "paragraphs (tokenizing and matching)", "rewrites"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--jobs", default="1",
                        help="1 (default): the phases, all in this process; auto or N: the same run with "
                             "worker processes, split at the fork (what happens in the workers is not timed here)")
    args = parser.parse_args()
    from bench import write_dev_copy  # noqa: E402 - after the clock starts: it imports msglint's corpus reader

    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "dev-copy"
        words = write_dev_copy(folder, args.files)
        if not words:
            sys.exit("no dev sets beside this checkout (../shared/eval)")
        before_run = time.perf_counter()
        import msglint.cli as cli

        start = time.perf_counter()
        import spacy  # noqa: F401 - timed alone: the plain script pays it too

        spent["importing spaCy"] = time.perf_counter() - start
        import msglint.analysis.engine as engine
        import msglint.analysis.nlp as nlp
        import msglint.api as api
        import msglint.ruleset.compiling as compiling

        timed(api, "build_ruleset", "loading the rules")
        timed(api, "validate_inputs", "reading and validating the files")
        timed(nlp, "load_pipeline", "loading the pipeline")
        timed_tokenizer(nlp)
        timed(compiling.CompiledRules, "__init__", "compiling the rules")
        timed(engine.Linter, "_syntactic_hits", "units (everything per unit)")
        timed(compiling.CompiledRules, "_plan", "  planning the patterns the copy reaches")
        # the surface work less planning, which it starts
        timed(compiling.CompiledRules, "start", "  the surface: words, anchors, gates, matching")
        timed(engine.Linter, "_annotate", "  the model (tagged and parsed units)")
        timed(compiling.CompiledRules, "advance", "  matching past the surface")  # (and on it, inside "start")
        timed(engine.Linter, "_lexical_hits", "paragraphs (tokenizing and matching)")
        timed(engine, "attach_rewrites", "rewrites")
        timed_pipes(engine)
        marks = timed_workers()
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(["check", "--no-cache", "--jobs", args.jobs, "--format", "json", str(folder)],
                            one_run=True)  # as `msglint` runs
        end = time.perf_counter()
        total = end - before_run
    print(f"msglint check --no-cache --jobs {args.jobs} --format json: {args.files:,} files of dev copy "
          f"({words:,} words), exit {code}, {total:.2f} s in process (the interpreter's start and "
          "msglint.cli's import not included)")
    if marks:
        print(f"  {'before the workers (this process alone)':48} {marks['start'] - before_run:6.2f} s")
        for label in ORDER[:5]:
            print(f"    {label:46} {spent[label]:6.2f} s")
        print(f"  {'the workers, until their last result':48} {marks['done'] - marks['start']:6.2f} s")
        print(f"  {'after':48} {end - marks['done']:6.2f} s")
        return
    spent["  the surface: words, anchors, gates, matching"] -= spent["  planning the patterns the copy reaches"]
    for label in ORDER:
        print(f"  {label:48} {spent[label]:6.2f} s")


if __name__ == "__main__":
    main()
