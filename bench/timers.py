"""What the bench scripts share before they import msglint's analysis: the BLAS thread count the
console entry sets, and timers wrapped around named functions."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def one_blas_thread() -> None:
    """As `msglint` sets it (msglint.cli.one_blas_thread_by_default); call before numpy is imported."""
    from msglint.cli import one_blas_thread_by_default

    one_blas_thread_by_default(os.environ)


class Timers:
    """Seconds spent per label, in functions wrapped by `wrap`."""

    def __init__(self):
        self.spent: Counter = Counter()

    def wrap(self, owner, name: str, label: str) -> None:
        function = getattr(owner, name)
        spent = self.spent

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - start

        setattr(owner, name, wrapper)
