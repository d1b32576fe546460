"""The library entry points: what `msglint check` does, callable from Python."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Iterable, Iterator

from .config import EMPTY, Config, config_for_message, load_config
from .errors import MsglintError
from .sources.context import Context, merge_context, parse_context_fields
from .analysis.engine import Linter
from .analysis.findings import Result
from .sources.message import STDIN_PATH, Message, message_from_text, read_message
from .ruleset.loading import RuleSet, load_ruleset


def context_for(message: Message, config: Config, command_line: dict[str, Any]) -> Context:
    layers = config.context_layers(message.path)
    front_matter = parse_context_fields(message.front_matter, where=f"{message.path}: front matter")
    if front_matter:
        layers.append(("front matter", front_matter))
    for directive in message.directives:
        if directive.kind == "context":
            where = f"{message.path}:{message.line_column(directive.start)[0]}: msglint directive"
            layers.append(("inline directive", parse_context_fields(directive.settings, where=where)))
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


# Messages read during validation are kept for the analysis up to about this much memory in all, so
# that a run reads each input once; beyond it (a huge campaign) they are read again, keeping memory flat.
READ_AHEAD_BYTES = 4_000_000


def _footprint(message: Message) -> int:
    """Roughly what a kept message costs: its texts and offsets, and the objects around them."""
    return 4 * len(message.original) + 1024


def iter_messages(paths: list[str], *, config: Config | None,
                  command_line: dict[str, Any], input_format: str | None = None,
                  read_ahead: dict[str, tuple] | None = None,
                  vanished: list[MsglintError] | None = None) -> Iterator[tuple[Message, Context, Config]]:
    """Each message with its context and the config that governs it, read as the linter asks (or
    taken from what validate_inputs kept). An explicit config (--config) serves every file;
    otherwise each file finds its nearest one.

    With `vanished`, a file that can no longer be read as it was validated (deleted, replaced by
    something unreadable while the run was going) is skipped and its error kept there, so that a
    report already under way is finished whole instead of being cut off."""
    kept = dict(read_ahead or {})
    for path in paths:
        if path in kept:
            yield kept.pop(path)  # released as it goes; a path given twice is read again
            continue
        try:
            message = read_message(path, input_format)
            file_config = config if config is not None else config_for_message(path)
            item = message, context_for(message, file_config, command_line), file_config
        except MsglintError as exc:
            if vanished is None:
                raise
            vanished.append(MsglintError(f"{exc} (it changed after msglint checked it; its findings are missing)"))
            continue
        yield item


def validate_inputs(paths: list[str], *, config: Config | None, command_line: dict[str, Any],
                    input_format: str | None = None) -> tuple[dict[str, tuple], list[Config]]:
    """Read every input, its config and its context once, so that any bad file, config value or
    directive stops the run before output starts. Returns what was read, for iter_messages(read_ahead=)
    (standard input always, since it cannot be read twice; files up to READ_AHEAD_BYTES), and the
    distinct configs in use."""
    kept, configs, budget = {}, {}, READ_AHEAD_BYTES
    for item in iter_messages(paths, config=config, command_line=command_line, input_format=input_format):
        message, _, file_config = item
        if message.path == STDIN_PATH or _footprint(message) <= budget:
            kept[message.path] = item
            budget -= 0 if message.path == STDIN_PATH else _footprint(message)
        configs[file_config.path] = file_config
    return kept, list(configs.values())


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
    from . import __version__
    from .ruleset import cache as rulecache
    from .analysis.cache import default_cache_dir
    from .ruleset.loading import fingerprint, rule_files

    files = rule_files(extra, builtin=builtin)
    digest = fingerprint(files)
    stored = default_cache_dir() / f"ruleset-{__version__}-{digest}.json"
    ruleset = rulecache.load(stored, digest)
    if ruleset is None:
        ruleset = load_ruleset(files=files)
        rulecache.store(stored, ruleset)
    return ruleset


def stage_listing(ruleset: RuleSet, model: str | None) -> str:
    """What `msglint rules --stages` prints: each rule's patterns by the stage that decides them."""
    from .analysis.nlp import resolve_pipeline_name
    from .ruleset.stage_listing import stage_listing as listing

    linter = Linter(ruleset, pipeline=model)
    return listing(linter.compiled, resolve_pipeline_name(model))


def build_linter(ruleset: RuleSet, *, model: str | None, use_cache: bool, jobs: int = 1,
                 one_run: bool = False) -> Linter:
    """A Linter whose unit results are cached on disk, keyed by everything that could change them
    (one_run: see Linter)."""
    from . import __version__
    from .analysis.cache import ResultCache, default_cache_dir
    from .analysis.nlp import pipeline_identity, resolve_pipeline_name

    name = resolve_pipeline_name(model)
    cache = None
    if use_cache:
        salt = f"msglint {__version__}; {pipeline_identity(name)}; rules {ruleset.fingerprint}"
        cache = ResultCache(default_cache_dir(), salt)
    return Linter(ruleset, pipeline=name, cache=cache, jobs=jobs, one_run=one_run)
