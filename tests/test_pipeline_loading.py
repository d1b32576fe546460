"""The pipeline as msglint loads it: numpy's matrix product instead of blis (for speed), with the
annotations spaCy's own load gives, and one BLAS thread from the console entry unless the user chose."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import spacy

from msglint.analysis import nlp as pipelines
from msglint.analysis.units import split_units
from msglint.cli import one_blas_thread_by_default
from msglint.sources.message import normalize

from .test_shortcut_identity import _texts


def _annotations(docs):
    return [[(t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, str(t.morph)) for t in doc] for doc in docs]


def test_every_model_uses_numpys_matrix_product(nlp):
    # but the parser's scores of its moves, which spaCy's own compiled loop computes with blis
    upper = nlp.get_pipe("parser").model.get_ref("upper")
    models = [node for _, pipe in nlp.pipeline if getattr(pipe, "model", None) for node in pipe.model.walk()
              if node is not upper]
    assert len(models) > 20
    assert {type(model.ops).__name__ for model in models} == {"NumpyOps"}
    assert [model.name for model in models if model.ops.use_blis] == []


@pytest.fixture(scope="module")
def as_spacy_loads():
    loaded = spacy.load(pipelines.resolve_pipeline_name(None), exclude=["ner", "senter"])
    pipelines._add_texting_contractions(loaded)  # the same tokens: only the matrix product differs
    return loaded


def test_annotations_equal_spacys_own_load_over_every_test_unit(nlp, as_spacy_loads):
    assert any(model.ops.use_blis for _, pipe in as_spacy_loads.pipeline if getattr(pipe, "model", None)
               for model in pipe.model.walk())  # the comparison is against blis
    units = sorted({normalize(t)[s:e] for t in _texts() for s, e in split_units(normalize(t))})
    assert len(units) > 1000
    ours, theirs = _annotations(nlp.pipe(units)), _annotations(as_spacy_loads.pipe(units))
    assert [unit for unit, a, b in zip(units, ours, theirs) if a != b] == []
    tokens = [[(t.text, t.norm_, t.whitespace_) for t in doc] for doc in nlp.tokenizer.pipe(units)]
    assert tokens == [[(t.text, t.norm_, t.whitespace_) for t in doc] for doc in as_spacy_loads.tokenizer.pipe(units)]


def test_the_tokenizer_is_built_once_from_the_pipelines_own_files(nlp, as_spacy_loads):
    name = pipelines.resolve_pipeline_name(None)
    assert pipelines._tokenizer_from_disk_only(name) == {"nlp": {"tokenizer": {"@tokenizers": "msglint.bare_tokenizer.v1"}}}
    # every rule, pattern and setting as spaCy's own load leaves them
    assert nlp.tokenizer.to_bytes(exclude=["vocab"]) == as_spacy_loads.tokenizer.to_bytes(exclude=["vocab"])
    assert len(nlp.tokenizer.rules) > 1000


def test_a_pipeline_with_another_tokenizer_is_loaded_as_spacy_loads_it(tmp_path):
    folder = tmp_path / "pipeline"
    folder.mkdir()
    (folder / "config.cfg").write_text('[nlp]\nlang = "en"\ntokenizer = {"@tokenizers":"my.Tokenizer.v1"}\n')
    (folder / "tokenizer").write_bytes(b"")
    assert pipelines._tokenizer_from_disk_only(str(folder)) == {}
    (folder / "config.cfg").write_text('[nlp]\nlang = "en"\ntokenizer = {"@tokenizers":"spacy.Tokenizer.v1"}\n')
    assert pipelines._tokenizer_from_disk_only(str(folder)) != {}
    (folder / "tokenizer").unlink()  # not saved with the pipeline: spaCy's default one is all there is
    assert pipelines._tokenizer_from_disk_only(str(folder)) == {}


def test_one_blas_thread_unless_the_user_set_a_number():
    environ: dict[str, str] = {}
    one_blas_thread_by_default(environ)
    assert environ == {"OPENBLAS_NUM_THREADS": "1"}
    chosen = {"OPENBLAS_NUM_THREADS": "4"}
    one_blas_thread_by_default(chosen)
    assert chosen == {"OPENBLAS_NUM_THREADS": "4"}


def test_the_console_entry_sets_the_thread_count_before_numpy_is_imported():
    probe = ("import os, sys, msglint.cli as cli\n"
             "cli.main = lambda **_: print(os.environ['OPENBLAS_NUM_THREADS'], 'numpy' in sys.modules) or 0\n"
             "cli.run()\n")
    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    default = subprocess.run([sys.executable, "-c", probe], env=environ, capture_output=True, text=True)
    chosen = subprocess.run([sys.executable, "-c", probe], env={**environ, "OPENBLAS_NUM_THREADS": "3"},
                            capture_output=True, text=True)
    assert (default.returncode, default.stdout) == (0, "1 False\n")
    assert (chosen.returncode, chosen.stdout) == (0, "3 False\n")
