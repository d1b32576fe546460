"""`msglint eval` keeps the bad-input contract on generated labelled files: rows of any JSON shape,
values of the wrong type, deep nesting, broken lines and bytes that are not UTF-8."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from .conftest import cli_settings
from .contract import run_checked

pytestmark = pytest.mark.fuzz

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True),
                    st.text(max_size=20), st.lists(st.integers(), max_size=3))
ROW = st.fixed_dictionaries(
    {},
    optional={"id": SCALARS, "text": st.one_of(st.text(max_size=60), SCALARS), "expressive": SCALARS,
              "level": SCALARS, "source": SCALARS, "cues": SCALARS},
)
LINE = st.one_of(
    ROW.map(lambda row: json.dumps(row, allow_nan=True)),
    st.text(max_size=40),  # not JSON, or JSON that is not an object
    st.integers(1, 3000).map(lambda depth: "[" * depth + "]" * depth),
    st.just('{"text": "\\ud800 lone surrogate", "level": 1}'),
)


@cli_settings
@given(lines=st.lists(LINE, max_size=6), tail=st.binary(max_size=8))
def test_eval_contract_on_generated_labelled_files(run_cli, tmp_path_factory, lines, tail):
    folder = tmp_path_factory.mktemp("eval")
    path = folder / "labels.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n" + tail)
    result = run_checked(run_cli, "eval", "--format", "json", str(path), folder=folder, names=("labels.jsonl",))
    if result.exit_code == 0:
        report = json.loads(result.stdout)
        assert report["expressive"]["labelled"] <= report["messages"]
