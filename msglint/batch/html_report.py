"""`msglint batch --report report.html`: one self-contained HTML file people can open.

Per template: the recipients' recorded levels as a bar chart against the level the template
reaches, the share it overreaches, and its findings with their rewrites. Built from the output rows
as they stream past (`add`), so memory stays bounded: counts per template and recorded level, for
at most MAX_TEMPLATES templates (in one-table mode every distinct text is a template; the rest are
counted together). The texts are read again at the end, only for the templates shown.
"""

from __future__ import annotations

import html
import os
from collections import Counter, defaultdict
from pathlib import Path

from .. import __version__
from ..sources.context import Context
from ..levels import level_name
from ..sources.message import message_from_text
from ..analysis.pyramid import ALLOWED_REACH, highest_allowed
from ..analysis.rewrite import apply_fixes
from ..errors import MsglintError
from .job import JobSpec, content_id, key_value, text_value, worker_linter
from .tables import RowFault, iter_rows

MAX_TEMPLATES = 10_000  # tracked; beyond this, rows count towards the totals only
SHOWN = 100  # templates drawn, most recipients first
UNKNOWN = "unknown"


class HtmlReport:
    def __init__(self, *, messages: str, spec: JobSpec, recipients: str | None):
        self.messages, self.spec, self.two_tables = messages, spec, recipients is not None
        self.levels: dict[str, Counter] = defaultdict(Counter)  # template -> recorded level -> recipients
        self.overreached: Counter = Counter()
        self.detected: dict[str, int] = {}
        self.rows = self.untracked = 0

    def add(self, rows: list[dict]) -> None:
        for row in rows:
            self.rows += 1
            template = row["template_id"]
            if template not in self.levels and len(self.levels) >= MAX_TEMPLATES:
                self.untracked += 1
                continue
            self.levels[template][row["recorded_level"] or UNKNOWN] += 1
            self.overreached[template] += bool(row["overreach"])
            self.detected[template] = row["detected_level"]

    def _texts(self, wanted: set[str]) -> dict[str, str]:
        """The texts of the templates shown, from one more pass over the messages table."""
        found: dict[str, str] = {}
        for _, row in iter_rows(self.messages):
            if isinstance(row, RowFault):
                continue  # reported by the run itself
            try:
                text = text_value(row.get(self.spec.text_column), self.spec.text_column, "no text")
                key = key_value(row, self.spec.template_column) if self.two_tables else content_id(text)
            except MsglintError:
                continue
            if key in wanted and key not in found:
                found[key] = text
                if len(found) == len(wanted):
                    break
        return found

    def write(self, path: str, summary=None) -> None:
        shown = sorted(self.levels, key=lambda t: (-sum(self.levels[t].values()), t))[:SHOWN]
        texts = self._texts(set(shown))
        linter = worker_linter(self.spec)
        context = Context(relationship=self.spec.relationship, style=self.spec.style)
        ordered = [t for t in shown if t in texts]
        results = dict(zip(ordered, linter.check((message_from_text(texts[t]), context) for t in ordered)))
        sections = [self._section(t, texts.get(t), results.get(t)) for t in shown]
        faults = f", {summary.faults} faulty rows skipped" if summary is not None and summary.faults else ""
        total_over = sum(self.overreached.values())
        more = len(self.levels) - len(shown)
        notes = []
        if more > 0:
            notes.append(f"{more} more templates with fewer recipients are not drawn.")
        if self.untracked:
            notes.append(f"{self.untracked} rows belong to templates beyond the first {MAX_TEMPLATES} and are counted only in the total.")
        body = (f"<h1>msglint campaign report</h1>\n<p class=lead>{self.rows} recipients, "
                f"{total_over} overreached ({_share(total_over, self.rows)}){faults}. "
                f"Relationship {html.escape(self.spec.relationship)}, style {html.escape(self.spec.style)}; "
                "a template overreaches a recipient when it reaches more than one level above the recipient's "
                "recorded level (Malaviya &amp; Spargo).</p>\n"
                + "".join(f"<p class=note>{html.escape(n)}</p>\n" for n in notes)
                + "\n".join(sections))
        document = PAGE.format(version=__version__, body=body)
        partial = f"{path}.{os.getpid()}.partial"
        try:
            Path(partial).write_text(document, encoding="utf-8")
            os.replace(partial, path)  # never a half-written report
        except OSError as exc:
            Path(partial).unlink(missing_ok=True)
            raise _cannot_write(path, exc.strerror or str(exc)) from None

    @staticmethod
    def refuse_a_missing_folder(path: str) -> None:
        """Said before a send is checked, not after: the report's folder must exist."""
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise _cannot_write(path, "its folder does not exist")

    def _section(self, template: str, text: str | None, result) -> str:
        levels, level = self.levels[template], self.detected[template]
        recipients = sum(levels.values())
        over = self.overreached[template]
        title = html.escape(template)
        parts = [f'<section class=template id="t-{title}">',
                 f"<h2>{title}</h2>",
                 f"<p>Reaches level <b>{level}</b> ({level_name(level)}). {recipients} recipients; "
                 f"<b class=over>{over} overreached ({_share(over, recipients)})</b>.</p>",
                 bar_chart(levels, level)]
        if result is None:
            parts.append("<p class=note>The text was not found again in the messages table.</p>")
        else:
            parts.append(f"<h3>Copy</h3><pre class=copy>{_highlighted(result.message, result.findings)}</pre>")
            if result.findings:
                rows = "".join(
                    f"<tr class={f.severity}><td><code>{html.escape(f.rule)}</code></td><td>{f.severity}</td>"
                    f"<td>{html.escape(f.location.excerpt)}</td><td>{html.escape(f.suggestion)}</td></tr>"
                    for f in result.findings)
                parts.append("<h3>Findings</h3><table><tr><th>rule</th><th>severity</th><th>words</th>"
                             f"<th>rewrite</th></tr>{rows}</table>")
                rewritten = apply_fixes(result.message.original, result.findings)
                if rewritten != result.message.original:
                    parts.append(f"<h3>With the rewrites</h3><pre class=copy>{html.escape(rewritten)}</pre>")
            else:
                parts.append("<p>No findings in the copy itself.</p>")
        parts.append("</section>")
        return "\n".join(parts)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def _highlighted(message, findings) -> str:
    out, cursor, text = [], 0, message.original
    for finding in sorted(findings, key=lambda f: f.location.start):
        start, end = message.original_span(finding.location.start, finding.location.end)
        if start < cursor or end <= start:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f'<mark class={finding.severity} title="{html.escape(finding.rule)}">{html.escape(text[start:end])}</mark>')
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def bar_chart(levels: Counter, template_level: int) -> str:
    """Recipients per recorded level (and unknown) as SVG bars: red where the template overreaches."""
    keys = [1, 2, 3, 4, 5, 6, UNKNOWN]
    top = max([levels.get(k, 0) for k in keys] + [1])
    width, height, bar, gap, base = 7 * 64, 170, 44, 20, 135
    out = [f'<svg class=chart width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="recipients by recorded level">']
    for i, key in enumerate(keys):
        count = levels.get(key, 0)
        x = 10 + i * (bar + gap)
        h = round(110 * count / top)
        if key == UNKNOWN:
            colour, state = "#b8bfcc", "not judged"
        elif template_level > highest_allowed(key):
            colour, state = "#d9534f", "overreached"
        else:
            colour, state = "#5cb85c", "within reach"
        label = "?" if key == UNKNOWN else f"L{key}"
        out.append(f'<g data-level="{key}" data-recipients="{count}" data-state="{state}">'
                   f'<rect x="{x}" y="{base - h}" width="{bar}" height="{h}" fill="{colour}">'
                   f"<title>{count} recipients at {'unknown level' if key == UNKNOWN else f'level {key} ({level_name(key)})'}: {state}</title></rect>"
                   f'<text x="{x + bar / 2}" y="{base - h - 4}" text-anchor="middle">{count}</text>'
                   f'<text x="{x + bar / 2}" y="{base + 16}" text-anchor="middle">{label}</text></g>')
    # the line the template's level draws: recipients left of it are overreached
    lowest_ok = max(template_level - ALLOWED_REACH, 1)
    x_line = 10 + (lowest_ok - 1) * (bar + gap) - gap / 2
    if template_level > ALLOWED_REACH + 1:
        out.append(f'<line x1="{x_line}" y1="10" x2="{x_line}" y2="{base}" stroke="#1d2330" stroke-dasharray="4 3"/>'
                   f'<text x="{x_line + 4}" y="20">template at L{template_level}</text>')
    out.append(f'<text x="10" y="{height - 4}">recorded level of the recipients</text></svg>')
    return "".join(out)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>msglint campaign report</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; color: #1d2330; max-width: 980px; margin: 20px auto; padding: 0 16px; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 18px; margin-bottom: 4px; }} h3 {{ font-size: 14px; margin: 12px 0 4px; }}
.lead {{ font-size: 16px; }} .note {{ color: #5b6475; }} .over {{ color: #a12a1f; }}
section.template {{ border-top: 1px solid #d9dde5; padding: 6px 0 14px; }}
pre.copy {{ white-space: pre-wrap; background: #f7f8fa; border: 1px solid #d9dde5; border-radius: 6px; padding: 8px; font: inherit; }}
mark.warning {{ background: #f6d36b; }} mark.error {{ background: #f0a39a; }} mark.info {{ background: #b9d7f2; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
td, th {{ border-bottom: 1px solid #e3e6ec; padding: 4px 6px; text-align: left; vertical-align: top; }}
svg text {{ font: 12px system-ui, sans-serif; }}
footer {{ color: #5b6475; font-size: 12px; margin-top: 24px; }}
</style></head><body>
{body}
<footer>msglint {version}</footer>
</body></html>
"""


def _cannot_write(path: str, why: str) -> MsglintError:
    return MsglintError(f"{path}: cannot write the report ({why})")
