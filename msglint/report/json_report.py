"""Machine-readable output, schema `msglint/schemas/report-v1.json` (documented in the README)."""

from __future__ import annotations

import json

from .. import __version__
from ..findings import Result
from ..ruleset import SEVERITIES

SCHEMA_VERSION = 1


def as_document(results: list[Result], *, fail_on: str) -> dict:
    counts = {severity: 0 for severity in SEVERITIES}
    for result in results:
        for finding in result.findings:
            counts[finding.severity] += 1
    failing = sum(len(r.at_or_above(fail_on)) for r in results)
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "msglint", "version": __version__},
        "files": [
            {
                "path": result.path,
                "context": result.context.as_dict(),
                "pyramid": {
                    "level": result.level,
                    "name": result.level_name,
                    "evidence": [e.as_dict() for e in result.evidence],
                },
                "findings": [f.as_dict() for f in result.findings],
            }
            for result in results
        ],
        "summary": {
            "files": len(results),
            "findings": sum(counts.values()),
            "by_severity": counts,
            "fail_on": fail_on,
            "failing": failing,
        },
    }


def render(results: list[Result], *, fail_on: str, **_: object) -> str:
    return json.dumps(as_document(results, fail_on=fail_on), indent=2, ensure_ascii=False) + "\n"
