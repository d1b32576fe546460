"""HTML e-mail: visible text, the <title>, and image alt text; no style, script, comments or
attributes. Entities are decoded, and every character keeps the original range it came from."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..offsets import MappedTextBuilder, OffsetMap, line_starts

# Tags after which copy starts a new paragraph: each side is its own unit of analysis.
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody td tfoot "
    "th thead title tr ul".split()
)
_INVISIBLE = frozenset({"style", "script", "noscript", "template", "head"})
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_ENTITY = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


class _VisibleText(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = line_starts(source)
        self.out = MappedTextBuilder(len(source))
        self._hidden = 0  # depth inside invisible elements
        self._in_title = False

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
            self.out.verbatim(re.sub(r"[\r\n\t\f]", " ", data), self._offset())

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


def read_html(source: str) -> tuple[str, OffsetMap]:
    parser = _VisibleText(source)
    parser.feed(source)
    parser.close()
    return parser.out.build()

