"""The YAML loader for everything msglint reads: rules, config, corpora, front matter.

Only `true` and `false` are booleans. Under YAML 1.1 the words yes, no, on and off are booleans too,
which turns a rule's word list or a config's `tone: off` into something its author did not write.
libyaml's parser is used when PyYAML has it (rule files load about three times faster).

Bounded work: before a document is composed, one pass over libyaml's event stream (iterative, and
stopped at the first excess) refuses nesting deeper than MAX_DEPTH and aliases that would expand
the document by more than MAX_ALIAS_NODES nodes, or that refer to themselves. libyaml's composer
recurses in C once per nesting level and crashes the process (SIGSEGV) at a few ten thousand levels,
so the depth must be known before it runs; an alias bomb is a small DAG that every later walk
(validation, error messages, JSON) would expand.
"""

from __future__ import annotations

import re

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml's event parser; PyYAML exports it only as the parser half of CBaseLoader (there is no
# `yaml.CParser`), so without this the bounds check ran PyYAML's pure-Python parser.
_EventParser = getattr(yaml, "CBaseLoader", None)

MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000


class YamlLimitError(yaml.MarkedYAMLError):
    """A document past msglint's bounds. `problem` says which bound (and at most an alias's name,
    clipped), never the document's content."""


def check_bounds(text: str | bytes) -> None:
    """Raise YamlLimitError when `text` nests too deep or its aliases expand too far. Syntax errors
    are left to the loader, which reports them with their line."""
    events = _EventParser(text) if _EventParser is not None else yaml.SafeLoader(text)
    open_collections: list[list] = []  # [anchor, expanded node count so far]
    sizes: dict[str, int] = {}
    added_by_aliases = 0
    try:
        while True:
            try:
                event = events.get_event()
            except yaml.YAMLError:
                return
            if event is None:
                return
            kind = type(event)
            if kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                if len(open_collections) >= MAX_DEPTH:
                    raise YamlLimitError(problem=f"nested deeper than {MAX_DEPTH} levels",
                                         problem_mark=event.start_mark)
                open_collections.append([event.anchor, 1])
                continue
            if kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                anchor, size = open_collections.pop()
                if anchor is not None:
                    sizes[anchor] = size
            elif kind is yaml.ScalarEvent:
                size = 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif kind is yaml.AliasEvent:
                if any(anchor == event.anchor for anchor, _ in open_collections):
                    raise YamlLimitError(problem=f"alias *{_short(event.anchor)} refers to a structure that contains it",
                                         problem_mark=event.start_mark)
                size = sizes.get(event.anchor, 1)
                added_by_aliases += size - 1
                if added_by_aliases > MAX_ALIAS_NODES:
                    raise YamlLimitError(problem=f"aliases expand to more than {MAX_ALIAS_NODES:,} extra nodes",
                                         problem_mark=event.start_mark)
            else:
                continue
            if open_collections:
                open_collections[-1][1] += size
    finally:
        dispose = getattr(events, "dispose", None)
        if dispose:
            dispose()


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:40] + "..."


class Loader(_Base):
    """A safe loader that checks the bounds above before composing."""

    def __init__(self, stream):
        if hasattr(stream, "read"):
            stream = stream.read()
        self._bounded_text = stream
        super().__init__(stream)

    def get_single_node(self):
        check_bounds(self._bounded_text)
        return super().get_single_node()

    def construct_mapping(self, node, deep=False):
        # PyYAML lets a repeated key silently replace the first: in a rule that loses patterns, in a
        # config or front matter a setting.
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *base" is expanded by PyYAML; explicit keys may override what it brings
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {_short(str(key))!r} (first on line {seen[key]})",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
            except TypeError:  # an unhashable key: PyYAML's own constructor reports it
                break
        return super().construct_mapping(node, deep=deep)

    def resolve(self, kind, value, implicit):
        """PyYAML's resolver, remembered per plain scalar: it tries its patterns in Python for every
        scalar, even under libyaml, and rule files repeat the same few hundred words thousands of times."""
        if kind is not yaml.ScalarNode or not isinstance(value, str) or len(value) > _MAX_REMEMBERED_SCALAR \
                or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        key = (type(self), value, tuple(implicit))
        tag = _resolved.get(key)
        if tag is None:
            if len(_resolved) >= _MAX_RESOLVED:
                _resolved.clear()
            tag = _resolved[key] = super().resolve(kind, value, implicit)
        return tag


_resolved: dict = {}  # (loader class, scalar, implicit flags) -> tag: a class's resolvers are fixed once defined
_MAX_RESOLVED = 50_000
_MAX_REMEMBERED_SCALAR = 200


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(text: str, loader: type[Loader] = Loader):
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader with narrower booleans


def error_line(exc: yaml.YAMLError) -> str:
    """":N", the line the error is on, or "" when libyaml gives none: what follows a path in an
    error message."""
    mark = getattr(exc, "problem_mark", None)
    return f":{mark.line + 1}" if mark is not None else ""


def problem(exc: yaml.YAMLError) -> str:
    """What is wrong, in a few words and on one line, for an error message (never the document)."""
    text = getattr(exc, "problem", None) or "invalid YAML"
    return " ".join(str(text).split())[:120]
