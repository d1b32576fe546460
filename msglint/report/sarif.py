"""SARIF 2.1.0 output, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

Written result by result. Each result carries a `partialFingerprints` entry that survives edits
elsewhere in the file: a hash of the rule, the path, the excerpt and how many times the same
excerpt was already reported for that rule in that file.
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections import Counter
from urllib.parse import quote

from .. import __version__
from ..ruleset.docs import in_words
from ..analysis.findings import Result
from ..ruleset.loading import RuleSet
from . import Tally

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "msglintFingerprint/v1"


def _rule_descriptor(rule) -> dict:
    suggest = in_words(rule.suggest) if rule.suggest else None
    help_text = f"{rule.why}\n\nUse instead: {suggest}" if suggest else rule.why
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.replace(".", "-").split("-")),
        "shortDescription": {"text": in_words(rule.message)},
        "fullDescription": {"text": in_words(rule.description or rule.message)},
        "help": {"text": help_text, "markdown": f"{rule.why}\n\n**Use instead:** {suggest or ''}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity or "info"]},
        "properties": {"category": rule.category, "tags": [rule.category], "pyramidLevel": rule.level},
    }


def _uri(path: str) -> str:
    return "-" if path == "-" else quote(path.replace("\\", "/"))


def _sarif_fix(path: str, finding) -> dict:
    """The rewrite as a SARIF fix: one replacement, in the same code-point columns as the region."""
    fix = finding.fix
    return {
        "description": {"text": finding.suggestion},
        "artifactChanges": [{
            "artifactLocation": {"uri": _uri(path)},
            "replacements": [{
                "deletedRegion": {"startLine": fix.line, "startColumn": fix.column,
                                  "endLine": fix.end_line, "endColumn": fix.end_column},
                "insertedContent": {"text": fix.replacement},
            }],
        }],
    }


class SarifWriter:
    def __init__(self, stream, *, fail_on: str, ruleset: RuleSet, **_: object):
        self.stream, self.tally = stream, Tally(fail_on)
        reporting = sorted((r for r in ruleset.rules if r.reports_findings), key=lambda r: r.id)
        self._index = {rule.id: i for i, rule in enumerate(reporting)}
        driver = {"name": "msglint", "version": __version__, "semanticVersion": __version__,
                  "rules": [_rule_descriptor(rule) for rule in reporting]}
        head = {"$schema": SARIF_SCHEMA, "version": "2.1.0"}
        stream.write(json.dumps(head, indent=2)[:-2] + ',\n  "runs": [\n    {\n      "tool": {"driver": '
                     + textwrap.indent(json.dumps(driver, indent=2), "      ").lstrip()
                     + '},\n      "columnKind": "unicodeCodePoints",\n      "results": [')
        self._written = 0

    def add(self, result: Result) -> None:
        seen: Counter = Counter()
        for finding in result.findings:
            loc = finding.location
            seen[(finding.rule, loc.excerpt)] += 1
            identity = f"{finding.rule}\0{result.path}\0{loc.excerpt}\0{seen[(finding.rule, loc.excerpt)]}"
            entry = {
                "ruleId": finding.rule,
                "level": LEVELS[finding.severity],
                "message": {"text": f"{finding.message}. Suggestion: {finding.suggestion}"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _uri(result.path)},
                    "region": {"startLine": loc.line, "startColumn": loc.column, "endLine": loc.end_line,
                               "endColumn": loc.end_column, "snippet": {"text": loc.excerpt}},
                }}],
                "partialFingerprints": {FINGERPRINT: hashlib.sha256(identity.encode()).hexdigest()[:32]},
                "properties": {"category": finding.category, "suggestion": finding.suggestion},
            }
            if finding.fix is not None:
                entry["fixes"] = [_sarif_fix(result.path, finding)]
            if finding.rule in self._index:
                entry["ruleIndex"] = self._index[finding.rule]
            separator = "," if self._written else ""
            self.stream.write(separator + "\n        " + textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False), "        ").lstrip())
            self._written += 1
        self.tally.add(result)

    def close(self) -> Tally:
        self.stream.write(("\n      ]" if self._written else "]") + "\n    }\n  ]\n}\n")
        return self.tally
