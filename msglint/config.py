"""Configuration: `.msglint.yaml` or `[tool.msglint]` in pyproject.toml, found upwards from a file.

Context precedence for a message, lowest first: built-in defaults, the config file's top level, its
`overrides` entries whose `files` globs match the message's path (later entries win), the message's
front matter, then the command line.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .sources.context import CONTEXT_KEYS, parse_context_fields
from .errors import MsglintError
from .sources.inputs import read_config_text
from .quoting import shown, type_name
from .policy import parse_selectors, parse_severities
from .ruleset.loading import SEVERITIES

CONFIG_NAMES = (".msglint.yaml", ".msglint.yml")
GLOBAL_KEYS = ("fail-on", "model", "rules", "select", "ignore", "severity")
OVERRIDE_KEYS = ("files",) + CONTEXT_KEYS


@dataclass(frozen=True)
class Override:
    spec: Any  # a pathspec.PathSpec, imported only when a config has overrides
    context: dict[str, Any]


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    context: dict[str, Any] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    fail_on: str | None = None
    model: str | None = None
    rules: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def context_layers(self, message_path: str) -> list[tuple[str, dict[str, Any]]]:
        if self.path is None:
            return []
        layers = [(f"config {self.path}", self.context)]
        relative = _relative_posix(message_path, self.root)
        if relative is not None:
            for override in self.overrides:
                if override.spec.match_file(relative):
                    layers.append((f"config {self.path} overrides", override.context))
        return layers


def _relative_posix(path: str, root: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


EMPTY = Config()


def load_config(path: Path) -> Config:
    """Read an explicit config file (.msglint.yaml, or a pyproject.toml with [tool.msglint])."""
    if not path.is_file():
        raise MsglintError(f"{path}: no such config file")
    if path.name == "pyproject.toml":
        section = _pyproject_section(path)
        if section is None:
            raise MsglintError(f"{path}: has no [tool.msglint] section")
        return _parse(section, path)
    return _load_yaml_config(path)


def _load_yaml_config(path: Path) -> Config:
    import yaml  # here, not at the top: a run without a YAML config should not import PyYAML

    from . import yamlio

    try:
        data = yamlio.load(read_config_text(path))
    except yaml.YAMLError as exc:
        raise MsglintError(f"{path}{yamlio.error_line(exc)}: config is not valid YAML ({yamlio.problem(exc)})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MsglintError(f"{path}: cannot read config ({exc})") from None
    return _parse({} if data is None else data, path)


def _pyproject_section(path: Path) -> dict | None:
    try:
        data = tomllib.loads(read_config_text(path))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise MsglintError(f"{path}: cannot read ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise MsglintError(f"{path}: cannot read (TOML nested too deeply)") from None
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return None
    return tool.get("msglint")


def discover_config(directory: Path) -> Config:
    """The nearest config at or above a directory; an empty config when there is none (a run asks
    through config_for_message, cached per folder)."""
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return _load_yaml_config(candidate)
        pyproject = folder / "pyproject.toml"
        section = _pyproject_section(pyproject) if pyproject.is_file() else None
        if section is not None:
            return _parse(section, pyproject)
    return EMPTY


def config_for_message(path: str) -> Config:
    # abspath, not resolve(): no system calls per file; cached per folder, by its name
    directory = os.getcwd() if path == "-" else os.path.dirname(os.path.abspath(path))
    return _config_of_folder(directory)


@functools.lru_cache(maxsize=256)
def _config_of_folder(directory: str) -> Config:
    return discover_config(Path(directory))


def _parse(data: Any, path: Path) -> Config:
    if not isinstance(data, dict):
        raise MsglintError(f"{path}: config must be a mapping of keys to values, not {type_name(data)}")
    known = set(CONTEXT_KEYS) | set(GLOBAL_KEYS) | {"overrides"}
    # Keys may be numbers or lists in YAML: compare them as text, never sort mixed types.
    unknown = sorted(shown(key) for key in data if not isinstance(key, str) or key not in known)
    if unknown:
        raise MsglintError(f"{path}: unknown config key {unknown[0]} (known: {', '.join(sorted(known))})")
    fail_on = data.get("fail-on")
    if fail_on is not None and (not isinstance(fail_on, str) or fail_on not in SEVERITIES):
        raise MsglintError(f"{path}: fail-on must be one of {', '.join(SEVERITIES)}, not {shown(fail_on)}")
    model = data.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise MsglintError(f"{path}: model must be a spaCy pipeline name or path, not {shown(model)}")
    rules = data.get("rules", [])
    if isinstance(rules, str):
        rules = [rules]
    if not isinstance(rules, list) or not all(isinstance(r, str) and r for r in rules):
        raise MsglintError(f"{path}: rules must be a list of rule file or directory paths")
    overrides = data.get("overrides")
    if overrides is not None and not isinstance(overrides, list):
        raise MsglintError(f"{path}: overrides must be a list of mappings, not {type_name(overrides)}")
    return Config(
        path=path,
        context=parse_context_fields(data, where=str(path)),
        overrides=tuple(_parse_override(o, path, i) for i, o in enumerate(overrides or [])),
        fail_on=fail_on,
        model=model,
        rules=tuple(str((path.parent / r)) for r in rules),
        select=parse_selectors(data.get("select"), f"{path}: select"),
        ignore=parse_selectors(data.get("ignore"), f"{path}: ignore"),
        severities=parse_severities(data.get("severity"), str(path)),
    )


def _parse_override(raw: Any, path: Path, index: int) -> Override:
    where = f"{path}: overrides[{index}]"
    if not isinstance(raw, dict):
        raise MsglintError(f"{where}: must be a mapping with 'files' and context keys")
    unknown = sorted(shown(key) for key in raw if not isinstance(key, str) or key not in OVERRIDE_KEYS)
    if unknown:
        raise MsglintError(f"{where}: unknown key {unknown[0]} (known: {', '.join(OVERRIDE_KEYS)})")
    files = raw.get("files")
    patterns = [files] if isinstance(files, str) else files
    if not patterns or not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise MsglintError(f"{where}: files must be a glob or a list of globs, e.g. 'emails/vip/**'")
    import pathspec

    try:
        spec = pathspec.PathSpec.from_lines("gitignore", patterns)
    except ValueError as exc:  # pathspec's GitWildMatchPatternError
        raise MsglintError(f"{where}: files: not a valid glob ({shown(str(exc))})") from None
    return Override(spec=spec, context=parse_context_fields(raw, where=where))
