"""Which findings a run reports, and at which severity: --select, --ignore and config severities.

Selectors are rule ids or families ("expressive" covers expressive.*). With a selection, only
covered rules report; ignored rules never do; a severity override with the longest matching
selector wins, and "off" drops the rule's findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .sources.directives import covers
from .errors import MsglintError
from .quoting import shown
from .analysis.findings import Finding, Result
from .ruleset.loading import SEVERITIES

OFF = "off"


@dataclass(frozen=True)
class Policy:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_config(cls, config, known_ids: set[str]) -> "Policy":
        """The select / ignore / severities of one config, checked against the rules, with errors
        naming the config file."""
        policy = cls(select=config.select, ignore=config.ignore, severities=config.severities)
        policy.check_known(known_ids, origin=str(config.path) if config.path else None)
        return policy

    def check_known(self, known_ids: set[str], origin: str | None = None) -> None:
        """Every selector names a rule or family; an error names where it was written: the config
        file and key (origin), else the command-line option."""
        names = (("select", "ignore", "severity") if origin else ("--select", "--ignore", "severity"))
        for name, selectors in zip(names, (self.select, self.ignore, tuple(self.severities))):
            unknown = [s for s in selectors if not any(covers(s, rule_id) for rule_id in known_ids)]
            if unknown:
                where = f"{origin}: {name}" if origin else name
                raise MsglintError(f"{where}: unknown rule or family {', '.join(repr(u) for u in unknown)} (see 'msglint rules')")

    def severity_of(self, rule_id: str, default: str) -> str:
        matching = [s for s in self.severities if covers(s, rule_id)]
        return self.severities[max(matching, key=len)] if matching else default

    def allows(self, rule_id: str) -> bool:
        if self.select and not any(covers(s, rule_id) for s in self.select):
            return False
        return not any(covers(s, rule_id) for s in self.ignore)

    def apply(self, result: Result) -> Result:
        if not (self.select or self.ignore or self.severities):
            return result
        kept: list[Finding] = []
        for finding in result.findings:
            severity = self.severity_of(finding.rule, finding.severity)
            if severity != OFF and self.allows(finding.rule):
                kept.append(finding if severity == finding.severity else replace(finding, severity=severity))
        return replace(result, findings=kept)


def parse_severities(raw, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        raise MsglintError(f"{where}: severity must map rule ids or families to {', '.join(SEVERITIES)} or off")
    bad = {k: v for k, v in raw.items() if v not in SEVERITIES + (OFF,)}
    if bad:
        key, value = next(iter(bad.items()))
        raise MsglintError(f"{where}: severity of {shown(key)} must be one of {', '.join(SEVERITIES)}, off; not {shown(value)}")
    return dict(raw)


def parse_selectors(raw, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise MsglintError(f"{where}: must be a rule id or family, or a list of them")
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())
