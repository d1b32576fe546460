"""Where msglint's time goes, in process, over the dev sets' copy (or the generated corpus).

    python bench/phases.py            # dev copy, as `bench.py --dev` builds it (about 30,000 words+)
    python bench/phases.py --generated

The linter is warmed by one untimed pass, then three passes are timed and the fastest is shown,
split by phase. Phases nest (the model, matching and gates are inside "units"), so they do not sum.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timers import Timers, one_blas_thread  # noqa: E402

one_blas_thread()  # before numpy loads, as the console entry does

from bench import build_messages, dev_messages  # noqa: E402

import msglint.analysis.engine as engine  # noqa: E402
import msglint.ruleset.compiling as compiling  # noqa: E402
from msglint.ruleset.anchors import AnchorIndex  # noqa: E402
from msglint.ruleset.gates import Gates  # noqa: E402
from msglint.api import build_ruleset, settings_config  # noqa: E402
from msglint.sources.context import Context  # noqa: E402
from msglint.sources.message import message_from_text  # noqa: E402

timers = Timers()
spent, timed = timers.spent, timers.wrap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generated", action="store_true", help="the generated corpus instead of dev copy")
    args = parser.parse_args()
    texts = build_messages(40_000) if args.generated else dev_messages(30_000)
    if not texts:
        sys.exit("no dev sets beside this checkout (../shared/eval); try --generated")
    items = [(message_from_text(text), Context()) for text in texts]
    linter = engine.Linter(build_ruleset(settings_config(None), (), builtin=True))
    list(linter.check(items))  # warm: the pipeline, planning, the vocabulary
    timed(engine.Linter, "_syntactic_hits", "units (everything per unit)")
    timed(engine.Linter, "_lexical_hits", "paragraphs")
    timed(engine.Linter, "_through", "the model (tagged and parsed units)")
    timed(compiling.CompiledRules, "start", "surface: words, anchors, gates, matching")
    timed(compiling.CompiledRules, "advance", "matching (every stage)")
    timed(AnchorIndex, "candidates", "anchors")
    timed(Gates, "open", "gates on the surface")
    timed(engine, "attach_rewrites", "rewrites")
    best = None
    for _ in range(3):
        spent.clear()
        start = time.perf_counter()
        list(linter.check(items))
        total = time.perf_counter() - start
        if best is None or total < best[0]:
            best = (total, dict(spent))
    total, phases = best
    words = sum(len(text.split()) for text in texts)
    print(f"{'generated corpus' if args.generated else 'dev copy'}: {words:,} words in {total:.2f} s (fastest of 3)")
    for label, seconds in sorted(phases.items(), key=lambda item: -item[1]):
        print(f"  {label:42} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
