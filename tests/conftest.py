"""Shared fixtures: the spaCy pipeline and the compiled rule set are built once per test session."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# As the console entry does, before numpy loads: one BLAS thread, so that the tests that fork
# workers (tests/test_workers.py) fork a process without other threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from msglint.sources.context import Context, merge_context, parse_context_fields
from msglint.analysis.engine import Linter
from msglint.sources.message import message_from_text
from msglint.analysis.nlp import load_pipeline
from msglint.ruleset.loading import load_ruleset

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def private_cache_dir(tmp_path_factory):
    """CLI runs in tests write their result cache to a temporary folder, never to the user's."""
    folder = tmp_path_factory.mktemp("msglint-cache")
    previous = os.environ.get("MSGLINT_CACHE_DIR")
    os.environ["MSGLINT_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("MSGLINT_CACHE_DIR", None)
    else:
        os.environ["MSGLINT_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def ruleset():
    return load_ruleset()


@pytest.fixture(scope="session")
def linter(ruleset, nlp):
    return Linter(ruleset, nlp=nlp)


@pytest.fixture(scope="session")
def lint(linter):
    """lint(text, **context) -> Result, with context keys as in front matter (customer-level=...)."""

    def run(text: str, **context):
        fields = parse_context_fields({k.replace("_", "-"): v for k, v in context.items()}, where="test")
        return linter.check_one(message_from_text(text), merge_context([("test", fields)]))

    return run


def stage_reached(linter, text: str) -> str:
    """The stage (surface, tagged, parsed) that one unit of `text` was analysed up to."""
    linter.stage_counts.clear()
    linter.check_one(message_from_text(text), Context())
    (stage,) = [name for name, count in linter.stage_counts.items() if count]
    return stage


@dataclass
class CliRun:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run msglint in-process (the pipeline stays loaded), optionally with bytes on stdin."""
    from msglint.cli import main

    def run(*args: str, stdin: bytes | None = None) -> CliRun:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return CliRun(code, out.out, out.err)

    return run
