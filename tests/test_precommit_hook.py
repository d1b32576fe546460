"""The pre-commit hook, driven through real `pre-commit try-repo` in a temporary git repository.

pre-commit builds the hook's own virtualenv and pip-installs this repository into it. To keep the
test offline, pip gets no index (PIP_NO_INDEX) and finds msglint's dependencies already installed in
the test environment (PYTHONPATH); only msglint itself is built, from this checkout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig

import pytest
import yaml

from msglint.sources.readers import SUFFIXES

from .conftest import REPO

FLATTERING = "Nicely done! You've been selected for 50% off."


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "PATH": sysconfig.get_paths()["scripts"] + os.pathsep + os.environ.get("PATH", ""),  # for `language: system`
        "GIT_AUTHOR_NAME": "msglint tests", "GIT_AUTHOR_EMAIL": "tests@msglint.invalid",
        "GIT_COMMITTER_NAME": "msglint tests", "GIT_COMMITTER_EMAIL": "tests@msglint.invalid",
    }


@pytest.fixture(scope="module")
def marketing_repo(tmp_path_factory, hook_env):
    repo = tmp_path_factory.mktemp("marketing")
    (repo / "templates").mkdir()
    (repo / "templates" / "flattering.txt").write_text("Nicely done! You've been selected for 50% off.\n")
    (repo / "templates" / "plain.md").write_text("# Spring sale\n\nRain jackets, 30% off until Sunday.\n")
    (repo / "templates" / "vip.html").write_text(f"<html><body><p>{FLATTERING}</p></body></html>\n")
    (repo / "templates" / "welcome.html.j2").write_text(f"<p>Hi {{{{ first_name }}}}! {FLATTERING}</p>\n")
    (repo / "templates" / "offer.eml").write_text(
        f"Subject: Spring\nContent-Type: text/plain; charset=utf-8\n\n{FLATTERING}\n")
    (repo / "templates" / "notes.py").write_text("print('Nicely done!')\n")
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "templates"]):
        subprocess.run(command, cwd=repo, env=hook_env, check=True)
    return repo


def readme_precommit_blocks() -> list[dict]:
    section = (REPO / "README.md").read_text().split("### pre-commit\n", 1)[1].split("\n### ", 1)[0]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.S)]


def test_hook_files_cover_every_format_check_reads():
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    pattern = re.compile(hook["files"])
    for suffix in SUFFIXES:
        assert pattern.search(f"emails/spring{suffix}") and pattern.search(f"EMAILS/SPRING{suffix.upper()}"), suffix
    assert pattern.search("mail.html.j2")
    for other in ("script.py", "table.csv", "image.png", "notes.txt.bak"):
        assert not pattern.search(other), other
    local = readme_precommit_blocks()[0]["repos"][0]["hooks"][0]
    assert local["files"] == hook["files"] and local["types"] == hook["types"]


def try_repo(repo, env, *files):
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "msglint", "--files", *files]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_hook_fails_on_flattering_template(marketing_repo, hook_env):
    run = try_repo(marketing_repo, hook_env, "templates/flattering.txt")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "msglint" in run.stdout and "Failed" in run.stdout
    assert "templates/flattering.txt:1:1: warning expressive.unearned-praise" in run.stdout
    assert "templates/flattering.txt:1:14: error expressive.false-selection" in run.stdout


@pytest.mark.slow
def test_hook_passes_on_plain_template(marketing_repo, hook_env):
    run = try_repo(marketing_repo, hook_env, "templates/plain.md")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout


@pytest.mark.slow
def test_hook_checks_html_templates_and_email(marketing_repo, hook_env):
    run = try_repo(marketing_repo, hook_env, "templates/vip.html", "templates/welcome.html.j2", "templates/offer.eml",
                   "templates/notes.py")
    assert run.returncode == 1, run.stdout + run.stderr
    for name in ("vip.html", "welcome.html.j2", "offer.eml"):
        assert f"templates/{name}:" in run.stdout and "expressive.false-selection" in run.stdout, name
    assert "notes.py" not in run.stdout


@pytest.mark.slow
def test_readme_local_hook_works_as_written(marketing_repo, hook_env):
    config = marketing_repo / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump(readme_precommit_blocks()[0]))
    run = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--files", "templates/flattering.txt",
                          "templates/vip.html", "templates/plain.md"], cwd=marketing_repo, env=hook_env,
                         capture_output=True, text=True, timeout=600)
    config.unlink()
    assert run.returncode == 1, run.stdout + run.stderr
    assert "templates/flattering.txt:1:14: error expressive.false-selection" in run.stdout
    assert "templates/vip.html:1:" in run.stdout and "plain.md" not in run.stdout


@pytest.mark.slow
def test_readme_hosted_hook_rev_is_pinned_by_autoupdate(marketing_repo, hook_env, tmp_path):
    hosted = tmp_path / "msglint-host"
    subprocess.run(["git", "clone", "-q", "--no-local", str(REPO), str(hosted)], env=hook_env, check=True)
    subprocess.run(["git", "checkout", "-q", "-B", "main"], cwd=hosted, env=hook_env, check=True)  # whatever branch was cloned
    document = readme_precommit_blocks()[1]
    assert document["repos"][0]["rev"] == "main"
    document["repos"][0]["repo"] = str(hosted)
    config = tmp_path / "pre-commit-config.yaml"
    config.write_text(yaml.safe_dump(document))
    run = subprocess.run([sys.executable, "-m", "pre_commit", "autoupdate", "--config", str(config)],
                         cwd=marketing_repo, env=hook_env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hosted, capture_output=True, text=True).stdout.strip()
    tags = subprocess.run(["git", "tag"], cwd=hosted, capture_output=True, text=True).stdout.split()
    assert yaml.safe_load(config.read_text())["repos"][0]["rev"] in ([head] if not tags else tags)
