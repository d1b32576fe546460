"""Seed a word class from the valence lexicon that ships with vaderSentiment (MIT licence).

Prints candidate words for a class as a YAML list, to be trimmed by hand into rules/classes/.
It is a tool for rule authors, run once when a class is seeded: msglint never imports
vaderSentiment at run time (`pip install vaderSentiment` to use it).

    python tools/seed_classes.py praise-adjective --min-valence 1.8
    python tools/seed_classes.py praise-noun --min-valence 1.8

Each candidate must be rated at least --min-valence (VADER's mean of ten raters, -4 to +4) and be
tagged as the part of speech the class needs in a frame that addresses the reader ("You are so
WORD." for adjectives, "You are a WORD." for nouns), by the same spaCy pipeline msglint uses.
"""

from __future__ import annotations

import argparse
from pathlib import Path

FRAMES = {
    "praise-adjective": ("You are so {}.", 3, {"JJ"}),
    "praise-noun": ("You are a {}.", 3, {"NN"}),
}


def lexicon() -> dict[str, float]:
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, mean, *_ = line.split("\t")
        if word.isalpha() and word.islower():
            out[word] = float(mean)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(FRAMES))
    parser.add_argument("--min-valence", type=float, default=1.8)
    args = parser.parse_args()

    from msglint.analysis.nlp import load_pipeline

    frame, index, tags = FRAMES[args.kind]
    words = sorted(w for w, v in lexicon().items() if v >= args.min_valence)
    nlp = load_pipeline()
    kept = [w for w, doc in zip(words, nlp.pipe(frame.format(w) for w in words)) if doc[index].tag_ in tags]
    print(f"# {len(kept)} of {len(words)} words rated >= {args.min_valence} in vader_lexicon.txt")
    print("words: [" + ", ".join(kept) + "]")


if __name__ == "__main__":
    main()
