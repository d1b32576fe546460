"""Checking text held in memory (an editor buffer, a pasted draft) exactly as `msglint check` would
check the file: the same rules, config discovery, context precedence and severities. One session
per process: the rule set and the pipeline are loaded once and the result cache serves every edit."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import build_linter, build_ruleset, context_for
from ..config import Config, config_for_message, discover_config
from ..analysis.findings import Result
from ..sources.message import STDIN_PATH, message_from_text
from ..policy import Policy
from ..sources.readers import format_for
from ..ruleset.loading import RuleSet


@dataclass
class Checked:
    result: Result
    config: Config


class Session:
    def __init__(self, root: str | None = None, *, model: str | None = None, use_cache: bool = True,
                 ruleset: RuleSet | None = None, linter=None):
        # Run-wide settings (rules, model) come from the config found from the workspace root, as
        # `check` takes them from the config found from the current directory.
        settings = discover_config(Path(root or os.getcwd()))
        self.ruleset = ruleset or build_ruleset(settings, (), builtin=True, use_cache=use_cache)
        self.linter = linter or build_linter(self.ruleset, model=model or settings.model, use_cache=use_cache)

    def check_text(self, text: str, *, path: str | None = None, input_format: str | None = None,
                   context: dict[str, Any] | None = None) -> Checked:
        """`path` places the text for config discovery and names its format; None is standard input."""
        path = path or STDIN_PATH
        fmt = format_for(path, input_format) if path != STDIN_PATH or input_format else "text"
        message = message_from_text(text, path=path, input_format=fmt)
        config = config_for_message(path)
        policy = Policy.of_config(config, self.ruleset.ids)  # a bad selector is reported before the analysis
        result = self.linter.check_one(message, context_for(message, config, context or {}))
        return Checked(policy.apply(result), config)
