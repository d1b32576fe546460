"""Readers turn a file's text into the copy a reader sees: one module per input format."""

from __future__ import annotations

from ...errors import MsglintError

FORMATS = ("text", "markdown", "html", "eml")
_BY_SUFFIX = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".mjml": "html",
    ".eml": "eml",
}
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".liquid", ".hbs", ".handlebars", ".tmpl")
# What directory walks pick up.
SUFFIXES = tuple(_BY_SUFFIX) + TEMPLATE_SUFFIXES


def format_for(path: str, requested: str | None = None) -> str:
    """--input-format wins; else the extension, looking through template suffixes (mail.html.j2)."""
    if requested:
        if requested not in FORMATS:
            raise MsglintError(f"unknown input format {requested!r} (use {', '.join(FORMATS)})")
        return requested
    name = path.lower()
    for suffix in TEMPLATE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    for suffix, fmt in _BY_SUFFIX.items():
        if name.endswith(suffix):
            return fmt
    return "text"


def read(input_format: str, text: str):
    """(display text, offset map or None) for text whose front matter and templates are blanked."""
    if input_format == "markdown":
        from .markdown import read_markdown

        return read_markdown(text), None
    if input_format == "html":
        from .html import read_html

        return read_html(text)
    if input_format == "eml":
        from .eml import read_eml

        return read_eml(text)
    return text, None
