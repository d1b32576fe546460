"""Generated inputs for `msglint check`: every run keeps the bad-input contract (tests/fuzz/contract.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from . import strategies as gen
from .conftest import cli_settings
from .contract import run_checked

pytestmark = pytest.mark.fuzz

SUFFIXES = [".txt", ".md", ".html", ".j2", ".hbs", ".eml", ".md.j2"]
FORMATS = ["text", "json", "sarif", "github"]


@st.composite
def message_files(draw) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(SUFFIXES))
    text = draw(gen.emails()) if suffix == ".eml" else draw(gen.message_bodies(suffix.split(".")[-1] and
                                                                               "." + suffix.split(".")[-1]))
    data = text.encode("utf-8")
    tail = draw(st.sampled_from([b"", b"", b"", b"\xff\xfe", b"\x00", b"\xc3"]))
    return "message" + suffix, data + tail


@cli_settings
@given(message_files(), st.sampled_from(FORMATS), st.booleans())
def test_check_any_message(run_cli, file, output_format, use_cache):
    name, data = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        args = ["check", "--format", output_format, str(path)] + ([] if use_cache else ["--no-cache"])
        run_checked(run_cli, *args, folder=Path(folder), names=(name,))


@cli_settings
@given(gen.message_bodies(".txt"))
def test_check_any_standard_input(run_cli, text):
    with tempfile.TemporaryDirectory() as folder:
        run_checked(run_cli, "check", "--format", "json", "-", folder=Path(folder), names=("-", "standard input"),
                    stdin=text.encode("utf-8"))


@cli_settings
@given(gen.configs, st.sampled_from(["yaml", "toml"]))
def test_check_with_any_config(run_cli, data, kind):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if kind == "yaml":
            config_name, text = ".msglint.yaml", gen.config_yaml(data)
        else:
            config_name, text = "pyproject.toml", gen.config_toml(data)
        (root / config_name).write_text(text, encoding="utf-8")
        (root / "m.txt").write_text("Nicely done! Shoes 30% off.\n", encoding="utf-8")
        run_checked(run_cli, "check", "--format", "json", str(root / "m.txt"), folder=root, names=(config_name,))


@cli_settings
@given(gen.matches)
def test_check_with_any_rule_file(run_cli, match):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "house.yaml").write_text(gen.rule_file(match), encoding="utf-8")
        (root / "m.txt").write_text("Nicely done! You did a great job.\n", encoding="utf-8")
        run_checked(run_cli, "check", "--format", "json", "--no-cache", "--rules", str(root / "house.yaml"),
                    str(root / "m.txt"), folder=root, names=("house.yaml",))
