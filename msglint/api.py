"""The library entry points: what `msglint check` does, callable from Python."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from .config import EMPTY, Config, config_for_message, load_config
from .context import Context, merge_context, parse_context_fields
from .engine import Linter
from .findings import Result
from .message import STDIN_PATH, Message, message_from_text, read_message
from .ruleset import RuleSet, load_ruleset


def context_for(message: Message, config: Config, command_line: dict[str, Any]) -> Context:
    layers = config.context_layers(message.path)
    front_matter = parse_context_fields(message.front_matter, where=f"{message.path}: front matter")
    if front_matter:
        layers.append(("front matter", front_matter))
    if command_line:
        layers.append(("command line", command_line))
    return merge_context(layers)


@functools.lru_cache(maxsize=2)
def default_linter(model: str | None = None) -> Linter:
    return Linter(load_ruleset(), pipeline=model)


def lint_text(
    text: str,
    *,
    relationship: str | None = None,
    customer_level: int | str | None = None,
    style: str | None = None,
    linter: Linter | None = None,
) -> Result:
    """Check one message. Front matter in the text is honoured; keyword arguments win over it."""
    linter = linter or default_linter()
    message = message_from_text(text)
    given = {"relationship": relationship, "customer-level": customer_level, "style": style}
    overrides = parse_context_fields({k: v for k, v in given.items() if v is not None}, where="lint_text")
    return linter.check_one(message, context_for(message, EMPTY, overrides))


def lint_texts(texts: Iterable[str], *, linter: Linter | None = None, **context: Any) -> list[Result]:
    """Check many messages in one batched pass through the pipeline."""
    linter = linter or default_linter()
    given = {key.replace("_", "-"): value for key, value in context.items() if value is not None}
    overrides = parse_context_fields(given, where="lint_texts")
    messages = [message_from_text(text) for text in texts]
    return list(linter.check((m, context_for(m, EMPTY, overrides)) for m in messages))


def validate_inputs(paths: list[str]) -> Message | None:
    """Read every input once, so that a bad file stops the run before any output; nothing is kept
    but standard input, which cannot be read twice."""
    stdin_message = None
    for path in paths:
        message = read_message(path)
        if path == STDIN_PATH:
            stdin_message = message
    return stdin_message


def iter_messages(paths: list[str], *, stdin_message: Message | None, config: Config | None,
                  command_line: dict[str, Any]) -> Iterator[tuple[Message, Context]]:
    """Messages and their contexts, read one at a time as the linter asks for them."""
    for path in paths:
        message = stdin_message if path == STDIN_PATH else read_message(path)
        file_config = config if config is not None else config_for_message(path)
        yield message, context_for(message, file_config, command_line)


def settings_config(explicit: str | None) -> Config:
    """The config for run-wide settings (fail-on, model, rules): --config, else found from the cwd."""
    if explicit:
        return load_config(Path(explicit))
    return config_for_message("-")


def build_ruleset(config: Config, extra_rules: tuple[str, ...], builtin: bool, *, use_cache: bool = False) -> RuleSet:
    """The rule set; with use_cache, a validated set is kept beside the result cache, keyed by the
    rule files' bytes, so that an unchanged pre-commit run does not parse YAML again."""
    extra = list(config.rules) + list(extra_rules)
    if not use_cache:
        return load_ruleset(extra, builtin=builtin)
    import pickle

    from . import __version__
    from .cache import default_cache_dir
    from .ruleset import fingerprint, rule_files

    stored = default_cache_dir() / f"ruleset-{__version__}-{fingerprint(rule_files(extra, builtin=builtin))}.pickle"
    try:
        with stored.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError):
        pass
    ruleset = load_ruleset(extra, builtin=builtin)
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(ruleset))
        partial.replace(stored)  # atomic: a concurrent run sees the whole file or none
    except OSError:
        pass
    return ruleset


def build_linter(ruleset: RuleSet, *, model: str | None, use_cache: bool, jobs: int = 1) -> Linter:
    """A Linter whose unit results are cached on disk, keyed by everything that could change them."""
    from . import __version__
    from .cache import ResultCache, default_cache_dir
    from .nlp import pipeline_identity, resolve_pipeline_name

    name = resolve_pipeline_name(model)
    cache = None
    if use_cache:
        salt = f"msglint {__version__}; {pipeline_identity(name)}; rules {ruleset.fingerprint}"
        cache = ResultCache(default_cache_dir(), salt)
    return Linter(ruleset, pipeline=name, cache=cache, jobs=jobs)
