"""blis against numpy's BLAS for the model's matrix products, as msglint.analysis.nlp chooses.

    python bench/matrix_product.py

Times, best of 5: 50 products of tok2vec's shape (920 x 288 by 288 x 288: a batch of short units,
its window of three 96-wide vectors) in each; then tok2vec over the first 600 distinct units of the
generated corpus, in a pipeline built on each. One BLAS thread unless OPENBLAS_NUM_THREADS is set.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timers import one_blas_thread  # noqa: E402

one_blas_thread()  # before numpy loads, as the console entry does


def best_of(function, turns: int = 5) -> float:
    best = float("inf")
    for _ in range(turns):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    import numpy
    import spacy
    from thinc.api import NumpyOps

    from bench import build_messages
    from msglint.analysis.nlp import numpy_matrix_products, resolve_pipeline_name
    from msglint.analysis.units import split_units
    from msglint.sources.message import normalize

    rng = numpy.random.default_rng(0)
    left, right = rng.random((920, 288), dtype="float32"), rng.random((288, 288), dtype="float32")
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    for label, ops in (("blis", NumpyOps(use_blis=True)), ("numpy's BLAS", NumpyOps(use_blis=False))):
        seconds = best_of(lambda ops=ops: [ops.gemm(left, right, trans2=True) for _ in range(50)])
        print(f"  50 products, {label:14} {seconds:6.3f} s")
    texts = [normalize(t) for t in build_messages(40_000)]
    units = list(dict.fromkeys(t[s:e] for t in texts for s, e in split_units(t)))[:600]
    name = resolve_pipeline_name(None)
    for label, building in (("blis", contextlib.nullcontext), ("numpy's BLAS", numpy_matrix_products)):
        with building():  # spaCy's default, then as msglint builds its models
            nlp = spacy.load(name, exclude=["ner"])
        tok2vec = nlp.get_pipe("tok2vec")
        docs = list(nlp.tokenizer.pipe(units))
        seconds = best_of(lambda: list(tok2vec.pipe(docs, batch_size=64)))
        print(f"  tok2vec over {len(units)} units ({sum(len(d) for d in docs):,} tokens), {label:14} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
