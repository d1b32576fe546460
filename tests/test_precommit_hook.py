"""The pre-commit hook, driven through real `pre-commit try-repo` in a temporary git repository.

pre-commit builds the hook's own virtualenv and pip-installs this repository into it. To keep the
test offline, pip gets no index (PIP_NO_INDEX) and finds msglint's dependencies already installed in
the test environment (PYTHONPATH); only msglint itself is built, from this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "GIT_AUTHOR_NAME": "msglint tests", "GIT_AUTHOR_EMAIL": "tests@msglint.invalid",
        "GIT_COMMITTER_NAME": "msglint tests", "GIT_COMMITTER_EMAIL": "tests@msglint.invalid",
    }


@pytest.fixture(scope="module")
def marketing_repo(tmp_path_factory, hook_env):
    repo = tmp_path_factory.mktemp("marketing")
    (repo / "templates").mkdir()
    (repo / "templates" / "flattering.txt").write_text("Nicely done! You've been selected for 50% off.\n")
    (repo / "templates" / "plain.md").write_text("# Spring sale\n\nRain jackets, 30% off until Sunday.\n")
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "templates"]):
        subprocess.run(command, cwd=repo, env=hook_env, check=True)
    return repo


def try_repo(repo, env, *files):
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "msglint", "--files", *files]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_hook_fails_on_flattering_template(marketing_repo, hook_env):
    run = try_repo(marketing_repo, hook_env, "templates/flattering.txt")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "msglint" in run.stdout and "Failed" in run.stdout
    assert "templates/flattering.txt:1:1: warning expressive.unearned-praise" in run.stdout
    assert "templates/flattering.txt:1:14: error expressive.false-selection" in run.stdout


def test_hook_passes_on_plain_template(marketing_repo, hook_env):
    run = try_repo(marketing_repo, hook_env, "templates/plain.md")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout
