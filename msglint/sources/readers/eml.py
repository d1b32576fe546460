"""E-mail files (.eml): the Subject and the text part (else the HTML part), decoded.

Positions point into the .eml file: the Subject's characters at the header, a 7bit/8bit or
quoted-printable body's characters where their bytes stand. A base64 body cannot be mapped
character by character, so its findings point at the first line of the encoded body.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re

from ...errors import MsglintError
from ..offsets import MappedTextBuilder, OffsetMap
from .html import read_html

_HEADER_END = re.compile(r"\r?\n\r?\n")
_MULTIPART = re.compile(r"^content-type:[ \t]*multipart/", re.IGNORECASE | re.MULTILINE)
# The email package parses and walks multiparts recursively, and its boundary search is quadratic
# in the nesting: hundreds of levels mean a RecursionError or seconds of work. Real mail has a few.
MAX_MULTIPARTS = 64
FALLBACK_CHARSET = "utf-8"
_SUBJECT = re.compile(r"^Subject:[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.IGNORECASE | re.MULTILINE)


def _decoders(charset: str):
    """Incremental decoders to try, in order, for a declared charset: the charset itself if it is a
    text encoding (not hex, zlib, rot13 or an unknown name), little-endian for UTF-16/32 without a
    byte order mark, and UTF-8 with replacement characters last."""
    try:
        info = codecs.lookup(charset)
    except (LookupError, ValueError):
        info = None
    if info is not None and getattr(info, "_is_text_encoding", True):
        yield info.incrementaldecoder(errors="replace")
        if info.name in ("utf-16", "utf-32"):
            yield codecs.getincrementaldecoder(info.name + "-le")(errors="replace")
    yield codecs.getincrementaldecoder(FALLBACK_CHARSET)(errors="replace")


def _decode_bytes(data: bytes, charset: str) -> str:
    for decoder in _decoders(charset):
        try:
            return decoder.decode(data, final=True)
        except UnicodeError:  # idna's decoder refuses errors="replace"; UTF-16 wants a byte order mark
            continue
    raise AssertionError("the UTF-8 decoder with replacement cannot fail")


def _body_part(message):
    plain = html_part = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        if part.get_content_type() == "text/plain" and plain is None:
            plain = part
        elif part.get_content_type() == "text/html" and html_part is None:
            html_part = part
    return plain if plain is not None else html_part


def _decode_quoted_printable(raw: str, at: int, charset: str) -> tuple[str, OffsetMap]:
    """Decode, remembering for every character the original range of its encoded bytes."""
    for decoder in _decoders(charset):
        try:
            return _decode_qp_with(raw, at, decoder)
        except UnicodeError:
            continue
    raise AssertionError("the UTF-8 decoder with replacement cannot fail")


def _decode_qp_with(raw: str, at: int, decoder) -> tuple[str, OffsetMap]:
    out = MappedTextBuilder(0)
    pending_start, index = None, 0
    while index < len(raw):
        if raw[index] == "=" and re.match(r"=\r?\n", raw[index: index + 3]):
            index += 3 if raw[index + 1] == "\r" else 2  # soft line break
            continue
        if raw[index] == "=" and re.fullmatch(r"[0-9A-Fa-f]{2}", raw[index + 1: index + 3]):
            data, width = bytes([int(raw[index + 1: index + 3], 16)]), 3
        else:
            data, width = raw[index].encode("utf-8", "surrogateescape"), 1
        if pending_start is None:
            pending_start = at + index
        text = decoder.decode(data)
        if text:
            out.replaced(text, pending_start, at + index + width)
            pending_start = None
        index += width
    tail = decoder.decode(b"", final=True)  # bytes left over: a truncated multi-byte character
    if tail:
        out.replaced(tail, pending_start if pending_start is not None else at + len(raw), at + len(raw))
    return out.build()


def read_eml(source: str) -> tuple[str, OffsetMap]:
    if len(_MULTIPART.findall(source)) > MAX_MULTIPARTS:
        raise MsglintError(f"more than {MAX_MULTIPARTS} multipart sections; msglint reads simpler e-mail")
    try:
        message = email.message_from_string(source, policy=email.policy.default)
        return _read_message(source, message)
    except RecursionError:
        raise MsglintError("e-mail parts nested too deeply") from None


def _read_message(source: str, message) -> tuple[str, OffsetMap]:
    headers_end = _HEADER_END.search(source)
    headers = source[: headers_end.start()] if headers_end else source
    out = MappedTextBuilder(len(source))
    subject_match = _SUBJECT.search(headers)
    if subject_match:
        raw_subject = subject_match.group(1)
        subject = str(message.get("Subject", ""))
        if subject == raw_subject:
            out.verbatim(subject, subject_match.start(1))
        else:  # RFC 2047 encoded or folded: the whole header value stands for it
            out.replaced(" ".join(subject.split()), subject_match.start(1), subject_match.end(1))
        out.synthetic("\n\n", subject_match.end(1))
    part = _body_part(message)
    if part is not None:
        _append_body(out, source, part, headers_end.end() if headers_end else len(source))
    return out.build()


def _append_body(out: MappedTextBuilder, source: str, part, search_from: int) -> None:
    raw = part.get_payload(decode=False)
    at = source.find(raw, search_from) if raw else -1
    if at < 0:
        raise MsglintError("cannot locate the e-mail body in the file")
    encoding = (part.get("Content-Transfer-Encoding") or "7bit").strip().lower()
    charset = part.get_content_charset() or "utf-8"
    if encoding == "quoted-printable":
        text, body_map = _decode_quoted_printable(raw, at, charset)
    elif encoding == "base64":
        payload = part.get_payload(decode=True) or b""
        text = _decode_bytes(payload, charset)
        first_line_end = raw.find("\n")
        builder = MappedTextBuilder(0)
        builder.replaced(text, at, at + (first_line_end if first_line_end > 0 else len(raw)))
        text, body_map = builder.build()
    else:
        builder = MappedTextBuilder(0)
        builder.verbatim(raw, at)
        text, body_map = builder.build()
    if part.get_content_type() == "text/html":
        text, inner = read_html(text)
        body_map = body_map.compose(inner)
    _extend(out, text, body_map)


def _extend(out: MappedTextBuilder, text: str, mapping: OffsetMap) -> None:
    for index, char in enumerate(text):
        out.replaced(char, mapping.start(index), mapping.end(index + 1))
