"""The YAML loader for everything msglint reads: rules, config, corpora.

Only `true` and `false` are booleans. Under YAML 1.1 the words yes, no, on and off are booleans too,
which turns a rule's word list or a config's `tone: off` into something its author did not write.
libyaml's parser is used when PyYAML has it (rule files load about three times faster).
"""

from __future__ import annotations

import re

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):
    pass


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(text: str):
    return yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader with narrower booleans
