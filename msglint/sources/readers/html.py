"""HTML e-mail: visible text, the <title>, and image alt text; no style, script, comments or
attributes. Entities are decoded, and every character keeps the original range it came from."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..textscan import NextMatch
from ..offsets import MappedTextBuilder, OffsetMap, line_starts

# Tags after which copy starts a new paragraph: each side is its own unit of analysis.
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody td tfoot "
    "th thead title tr ul".split()
)
_INVISIBLE = frozenset({"style", "script", "noscript", "template", "head"})
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_BREAKS_AS_SPACES = str.maketrans("\r\n\t\f", "    ")
_ENTITY = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


class _VisibleText(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = line_starts(source)
        self.out = MappedTextBuilder(len(source))
        self._hidden = 0  # depth inside invisible elements
        self._in_title = False
        self._scans_of, self._scans = None, {}
        self._rescan_budget = 2**20  # characters that failed start-tag scans may read

    # html.parser searches for a construct's end from every unclosed "<!--", "<!doctype", "<?" or
    # "<!": n of them cost n^2. These overrides remember each search (msglint.sources.textscan), and treat
    # marked sections (<![CDATA[ ...) as the bogus comments HTML5 makes of them, instead of
    # raising AssertionError on an unknown keyword.
    def _find(self, pattern: str, position: int) -> re.Match | None:
        if self._scans_of is not self.rawdata:
            self._scans_of, self._scans = self.rawdata, {}
        scan = self._scans.get(pattern) or self._scans.setdefault(pattern, NextMatch(self.rawdata, pattern))
        found = scan(position)
        return re.compile(pattern).match(self.rawdata, found) if found < len(self.rawdata) else None

    def check_for_whole_start_tag(self, i):
        # A start tag whose quoted attributes run to the end of the text (quotes that pair up with
        # later tags' quotes) is scanned to the end, and html.parser then scans again from the next
        # "<": n such tags cost n^2 (at about a microsecond per character). Failed scans are allowed
        # up to a budget; past it, a tag whose quotes are unbalanced before its first ">" is text.
        if self._rescan_budget <= 0:
            close = self.rawdata.find(">", i)
            if close < 0 or self.rawdata.count("'", i, close) % 2 or self.rawdata.count('"', i, close) % 2:
                return -1
        end = super().check_for_whole_start_tag(i)
        if end < 0:
            self._rescan_budget -= len(self.rawdata) - i  # at most what the failed scan read
        return end

    def parse_comment(self, i, report=1):
        close = self._find(r"--\s*>", i + 4)
        if close is None:
            return -1
        if report:
            self.handle_comment(self.rawdata[i + 4: close.start()])
        return close.end()

    def parse_html_declaration(self, i):
        rawdata = self.rawdata
        if rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        if rawdata[i: i + 9].lower() == "<!doctype":
            close = self._find(">", i + 9)
            if close is None:
                return -1
            self.handle_decl(rawdata[i + 2: close.start()])
            return close.end()
        return self.parse_bogus_comment(i)

    def parse_bogus_comment(self, i, report=1):
        close = self._find(">", i + 2)
        if close is None:
            return -1
        if report:
            self.handle_comment(self.rawdata[i + 2: close.start()])
        return close.end()

    def parse_pi(self, i):
        close = self._find(">", i + 2)
        if close is None:
            return -1
        self.handle_pi(self.rawdata[i + 2: close.start()])
        return close.end()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _visible(self) -> bool:
        return self._hidden == 0 or self._in_title

    def handle_starttag(self, tag, attrs):
        at = self._offset()
        if tag == "title":
            self._in_title = True
        elif tag in _INVISIBLE:
            self._hidden += 1
        if tag in _BLOCKS or tag == "br":
            self.out.synthetic("\n\n" if tag in _BLOCKS else "\n", at)
        if tag == "img" and self._visible():
            self._alt_text(at)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _INVISIBLE and tag != "title":
            self._hidden -= 1

    def handle_endtag(self, tag):
        at = self._offset()
        if tag == "title":
            self._in_title = False
        elif tag in _INVISIBLE and self._hidden:
            self._hidden -= 1
        if tag in _BLOCKS:
            self.out.synthetic("\n\n", at)

    def handle_data(self, data):
        if self._visible():
            # Line breaks in HTML source are spaces on screen; units must not split there.
            self.out.verbatim(data.translate(_BREAKS_AS_SPACES), self._offset())

    def _reference(self, raw_name: str):
        if not self._visible():
            return
        at = self._offset()
        end = at + 1 + len(raw_name)
        if self._source.startswith(";", end):
            end += 1
        self.out.replaced(html.unescape(self._source[at:end]), at, end)

    def handle_entityref(self, name):
        self._reference(name)

    def handle_charref(self, name):
        self._reference("#" + name)

    def _alt_text(self, tag_start: int) -> None:
        tag_text = self.get_starttag_text() or ""
        match = _ALT.search(tag_text)
        if not match:
            return
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        value_start = tag_start + match.start(group)
        self.out.synthetic("\n\n", tag_start)
        decode_entities_into(self.out, match.group(group), value_start)
        self.out.synthetic("\n\n", tag_start)


def decode_entities_into(out: MappedTextBuilder, raw: str, at: int) -> None:
    """Append raw text whose entities are decoded, each char mapped back into the source."""
    position = 0
    for entity in _ENTITY.finditer(raw):
        out.verbatim(raw[position: entity.start()], at + position)
        out.replaced(html.unescape(entity.group()), at + entity.start(), at + entity.end())
        position = entity.end()
    out.verbatim(raw[position:], at + position)


# Stands for a "<" that no ">" follows: such a "<" can never open markup, and html.parser would
# search to the end of the text from each one (n^2). Put back once the text is read.
_LONE_LT = "\uffff"


def read_html(source: str) -> tuple[str, OffsetMap]:
    last_gt = source.rfind(">")
    tail = source[last_gt + 1:]
    lone = "<" in tail
    fed = source[: last_gt + 1] + tail.replace("<", _LONE_LT) if lone else source
    parser = _VisibleText(fed)
    parser.feed(fed)
    parser.close()
    text, mapping = parser.out.build()
    if lone and _LONE_LT in text:
        text = "".join("<" if ch == _LONE_LT and source[mapping.start(k)] == "<" else ch for k, ch in enumerate(text))
    return text, mapping

