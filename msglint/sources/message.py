"""Reading a message: bytes to text, front matter, template syntax, directives, and the format's
reader; and positions back into the original file.

Three texts are kept. `original` is the file as decoded. `display` is the copy a reader sees:
front matter and template control blocks blanked, markup removed, entities decoded. `text` is
`display` with typographic quotes swapped one-for-one for ASCII ones: what the rules read. `display`
and `text` always have the same length; `origin` maps their offsets into `original` when a reader
decoded something (HTML, e-mail), and is None when offsets are the same. No position is ever found
again by searching for a string.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from .directives import Directive, mask_comments, parse_directives
from ..errors import MsglintError
from .offsets import OffsetMap, line_starts
from .templates import neutralize_templates
from .textscan import blank

STDIN_PATH = "-"

# One character for one character, so that offsets survive. Curly apostrophes matter most: the
# lemmatizer reads "you’re" as an unknown "’re" but "you're" as a form of "be".
_SAME_LENGTH_NORMALIZATION = str.maketrans(
    {
        "\u2019": "'",  # right single quote / apostrophe
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",  # no-break space
        "\u2011": "-",  # non-breaking hyphen
    }
)

def normalize(text: str) -> str:
    """Same-length typographic normalization applied to messages and to rule phrases alike."""
    return text.translate(_SAME_LENGTH_NORMALIZATION)


@dataclass
class Message:
    path: str
    original: str
    display: str
    text: str
    origin: OffsetMap | None = None
    front_matter: dict[str, Any] = field(default_factory=dict)
    directives: list[Directive] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if len(self.text) != len(self.display):
            raise ValueError("analysis text must keep the display text's length")
        self._line_starts = line_starts(self.original)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets of a display span [start, end) in the original."""
        if self.origin is None:
            return start, end
        return self.origin.start(start), max(self.origin.end(end), self.origin.start(start))

    def line_column(self, original_offset: int) -> tuple[int, int]:
        """1-based line and column of an original offset; columns count characters (code points)."""
        line_index = bisect.bisect_right(self._line_starts, original_offset) - 1
        return line_index + 1, original_offset - self._line_starts[line_index] + 1

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.original)
        return self.original[start:end].rstrip("\r")


def _front_matter(original: str, path: str) -> tuple[dict[str, Any], int]:
    if not original.startswith("---"):
        return {}, 0
    # Imported here: most messages have no front matter, and a cached run should not pay for YAML.
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    from .. import yamlio

    handler = YAMLHandler()
    if not handler.detect(original):
        return {}, 0
    try:
        raw_front_matter, body = handler.split(original)
    except ValueError:
        return {}, 0
    try:
        loaded = yamlio.load(raw_front_matter)
    except yaml.YAMLError as exc:
        # the split front matter starts with the end of the opening "---" line: its lines are the file's
        raise MsglintError(f"{path}{yamlio.error_line(exc)}: front matter is not valid YAML ({yamlio.problem(exc)})") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise MsglintError(f"{path}:2: front matter must be a mapping of keys to values")
    return loaded or {}, len(original) - len(body)


def message_from_text(original: str, path: str = STDIN_PATH, input_format: str = "text") -> Message:
    """Build a Message from decoded text with the reader for `input_format`."""
    from .readers import read

    front_matter, body_start = ({}, 0) if input_format == "eml" else _front_matter(original, path)
    masked = blank(original[:body_start]) + original[body_start:]
    masked = neutralize_templates(mask_comments(masked) if input_format in ("text", "markdown") else masked)
    try:
        display, origin = read(input_format, masked)
    except MsglintError as exc:
        raise MsglintError(f"{path}: {exc}") from None
    return Message(path=path, original=original, display=display, text=normalize(display), origin=origin,
                   front_matter=front_matter, directives=parse_directives(original))


def decode(data: bytes, *, path: str) -> str:
    if b"\x00" in data[:8192]:
        raise MsglintError(f"{path}: looks like a binary file (it contains NUL bytes); msglint reads text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MsglintError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None


def read_message(path: str, input_format: str | None = None) -> Message:
    """Read a file, or standard input for '-'. Never writes to what it reads."""
    from .inputs import read_input
    from .readers import format_for

    data = read_input(path)  # regular files and standard input only, bounded in size
    return message_from_text(decode(data, path=path), path=path, input_format=format_for(path, input_format))
