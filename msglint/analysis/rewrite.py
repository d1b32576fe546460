"""Rewrites that fit the line: a finding's suggestion built from the flagged sentence itself.

A rewrite cuts whole pieces of the sentence and keeps the offer: a sentence that is nothing but
praise or affirmation ("Nicely done! You're getting 50% off" -> "You're getting 50% off"), a frame
set off by punctuation ("Ahem: ..."), the reader-as-subject frame of a passive gift or selection
("You've been given this Delta flight deal" -> "This Delta flight deal"), a "just for you" phrase.
Which cuts a rule may make depends on its family (`expressive`, `tone.shouting`, ...), never on the
words of its patterns, so rules can change without this module knowing. Where no cut fits, the
suggestion is the rule's advice without its canned example, which would not fit the line.

A rewrite is a list of operations on character ranges of the analysis text (`Op`): deterministic
given the text, so the parse-based ones are kept in the result cache like any unit analysis, and a
fully cached run still never loads spaCy.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from .findings import Finding, Fix, Result
from ..ruleset.hits import Hit
from .units import split_units

CACHE_KIND = "rewrite-v3"  # bump when a strategy changes: cached plans are keyed by it
PREVIEW_CHARS = 120
_ADVICE = re.compile(r"^(?P<advice>.*?)\s*:\s*['\"\u2018\u201c]")
_READER = {"you", "u", "ya", "yourself"}
_READER_OWNER = {"your", "ur"}
_READER_WORD = re.compile(r"\b(?:you|u|ya|yourself|your|ur)\b", re.IGNORECASE)
_SUBJECTS = {"nsubj", "nsubjpass"}
_FRAME_DEPS = {"aux", "auxpass", "neg", "advmod", "npadvmod", "punct"}
_OBJECTS = {"dobj", "dative", "attr", "oprd"}
_OFFER_PREPOSITIONS = {"for", "to", "on", "with", "into"}
_SET_OFF = set(",:;!?.\u2026\u2014\u2013-")  # punctuation that sets a leading frame apart
_WORD = re.compile(r"\w+")
# a conjunction left opening the sentence once what it joined is cut
_JOINER = re.compile(r"(?:and|so|but|plus|then)\b[,]?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Op:
    """One edit of the analysis text: delete, capitalize (first letter), lowercase, or squeeze a run
    of marks to its first."""

    kind: str
    start: int
    end: int


# --- strategies on the text alone -----------------------------------------------------------------

def _is_filler(text: str) -> bool:
    """Nothing a reader would miss: whitespace, punctuation, symbols (a leading emoji)."""
    return all(not ch.isalnum() for ch in text)


def _last_starting_by(units: list[tuple[int, int]], offset: int) -> int:
    """The index of the last unit that starts at or before `offset` (-1: none)."""
    return bisect.bisect_right(units, (offset, float("inf"))) - 1


def _unit_of(units: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The unit holding `offset` (units are in order and do not overlap)."""
    index = _last_starting_by(units, offset)
    return units[index] if index >= 0 and units[index][0] <= offset < units[index][1] else None


def drop_sentences(text: str, units: list[tuple[int, int]], start: int, end: int) -> list[Op]:
    """The flagged words are whole sentences ("Nicely done!", "Yes. Correct. Confirmed."): drop
    them, when the message says something else."""
    first_index = max(0, _last_starting_by(units, start))
    covered = [(s, e) for s, e in itertools.takewhile(lambda u: u[0] < end, units[first_index:]) if start < e]
    if not covered:
        return []
    first, last = covered[0][0], covered[-1][1]
    if not (_is_filler(text[first:start]) and _is_filler(text[end:last])):
        return []
    if _is_filler(text[:first] + text[last:]):
        return []  # nothing left to say: the advice, not an empty message
    while last > end and text[last - 1].isspace():
        last -= 1
    line_start = text.rfind("\n", 0, first) + 1
    line_end = text.find("\n", last)
    line_end = len(text) if line_end < 0 else line_end
    if _is_filler(text[last:line_end]) and not text[line_start:first].strip():
        first, last = line_start, min(line_end + 1, len(text))  # the whole line goes
    elif _is_filler(text[last:line_end]):
        while first > line_start and text[first - 1] in " \t":
            first -= 1  # the line ends with what is dropped: the space before it goes too
    else:
        while last < line_end and text[last] in " \t":
            last += 1
    return [Op("delete", first, last)]


def drop_leading_frame(text: str, units: list[tuple[int, int]], start: int, end: int) -> list[Op]:
    """A frame that opens the sentence and is set off by punctuation ("Ahem: ...", "Psst... ",
    "You heard that right: ..."): drop it with its punctuation and start with what follows."""
    unit = _unit_of(units, start)
    if unit is None or end > unit[1] or not _is_filler(text[unit[0]:start]):
        return []
    cursor, marks = end, int(text[end - 1] in _SET_OFF)  # the match may hold its own colon
    while cursor < unit[1] and (text[cursor] in _SET_OFF or text[cursor].isspace()):
        marks += text[cursor] in _SET_OFF
        cursor += 1
    if not marks or len(_WORD.findall(text[cursor:unit[1]])) < 2:
        return []  # "I'd rather overpay, thanks." -> "Thanks." says nothing
    joiner = _JOINER.match(text, cursor)  # "We love you, so here's..." -> "Here's..."
    if joiner and len(_WORD.findall(text[joiner.end():unit[1]])) >= 2:
        cursor = joiner.end()
    return [Op("delete", start, cursor), *_recapitalize(text, start, cursor)]


def sentence_case(text: str, units: list[tuple[int, int]], start: int, end: int) -> list[Op]:
    unit = _unit_of(units, start)
    ops = [Op("lowercase", start, end)]
    if unit is not None and _is_filler(text[unit[0]:start]):
        ops.append(Op("capitalize", start, start + 1))
    return ops


def one_mark(text: str, units: list[tuple[int, int]], start: int, end: int) -> list[Op]:
    return [Op("squeeze", start, end)] if end - start > 1 else []


def _recapitalize(text: str, removed_from: int, kept_from: int) -> list[Op]:
    """What is kept takes the capital of what was cut ("You've been given this" -> "This")."""
    if kept_from < len(text) and text[removed_from].isupper() and text[kept_from].islower():
        return [Op("capitalize", kept_from, kept_from + 1)]
    return []


# --- strategies on the parse of the flagged sentence ----------------------------------------------

def _is_reader(token) -> bool:
    if token.lower_ in _READER:
        return True
    return any(child.dep_ in ("poss", "amod") and child.lower_ in _READER_OWNER for child in token.children)


def _has_content(tokens) -> bool:
    return any(t.pos_ in ("NOUN", "PROPN", "NUM") or t.like_num for t in tokens)


def keep_the_offer(doc, start: int, end: int) -> list[Op]:
    """A clause whose subject is the reader and whose verb frames the offer as theirs ("You've been
    given X", "You're approved for X", "You've won X", "You deserve X"): keep X, the object."""
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS and _is_reader(c)]
        if not subjects:
            continue
        subject = subjects[0]
        if verb.lemma_ == "be" or not _opens_sentence(subject.left_edge):
            continue  # "the only one" is no offer; "Shoppers like you know a bargain" is no frame
        frame_start, frame_end = subject.left_edge.idx, verb.idx + len(verb)
        if frame_end <= start or end <= frame_start:
            continue  # not the flagged clause
        offer = _offer_of(verb)
        if offer is None:
            continue
        kept = offer.left_edge
        allowed = set(subject.subtree) | {verb} | {c for c in verb.children if c.dep_ in _FRAME_DEPS}
        allowed |= {offer.head} if offer.head.dep_ == "prep" and offer.head.head == verb else set()
        between = [t for t in doc if subject.left_edge.i <= t.i < kept.i]
        if any(t not in allowed for t in between) or not _has_content(offer.subtree):
            continue
        cut_end = kept.idx
        return [Op("delete", frame_start, cut_end), *_recapitalize(doc.text, frame_start, cut_end)]
    return []


def _opens_sentence(token) -> bool:
    """It starts its sentence, after symbols ("✈ You...") or a frame set off by punctuation
    ("Ahem: You...")."""
    before = token.doc[token.sent.start: token.i]
    return not before or _is_filler(before.text) or before[-1].text[-1:] in _SET_OFF


def _offer_of(verb):
    """The offer a reader-framing verb hands over: its object, or the object of its preposition
    ("approved for these packages"); None if the offer is only a pronoun."""
    for child in verb.rights:
        if child.dep_ in _OBJECTS and child.pos_ != "PRON":
            return child
        if child.dep_ == "prep" and child.lower_ in _OFFER_PREPOSITIONS:
            objects = [c for c in child.children if c.dep_ == "pobj" and not _is_reader(c) and c.pos_ != "PRON"]
            if objects:
                return objects[0]
    return None


def drop_for_you(doc, start: int, end: int) -> list[Op]:
    """"...picked just for you": drop the phrase that makes the reader the beneficiary."""
    for reader in doc:
        if not (start <= reader.idx < end and reader.lower_ in _READER and reader.dep_ == "pobj"):
            continue
        preposition = reader.head
        if preposition.lower_ not in ("for", "to"):
            continue
        first = preposition
        while first.i > 0 and doc[first.i - 1].dep_ == "advmod" and doc[first.i - 1].head in (preposition, preposition.head):
            first = doc[first.i - 1]
        last = preposition.right_edge
        host = preposition.head
        others = [c for c in host.children if c.i < first.i or c.i > last.i]
        bare = all(c.dep_ in ("punct", "advmod") for c in others)
        set_off = host.i > 0 and doc[host.i - 1].text == "," and host.tag_ in ("VBN", "VBD") \
            and all(c.dep_ in ("punct", "advmod", "nsubj", "nsubjpass") for c in others)
        if host.i < first.i and ((host.dep_ in ("acl", "amod", "advcl", "appos") and bare) or set_off):
            first = host  # "A winter menu, prepared exclusively for you." -> "A winter menu."
        kept = [t for t in doc if t.i < first.i or t.i > last.i]
        if not _has_content(kept) or not any(t.pos_ in ("VERB", "AUX", "NOUN", "PROPN") for t in kept):
            continue
        cut_start = first.idx
        while cut_start > 0 and doc.text[cut_start - 1] in " \t":
            cut_start -= 1
        cut_end = last.idx + len(last)
        rest = doc.text[cut_end:].strip()
        if cut_start > 0 and doc.text[cut_start - 1] == "," and (not rest or rest[0] in ".!?,;:"):
            cut_start -= 1  # "A deal, just for you." -> "A deal."
        if cut_start == 0:  # opens the sentence: start with what follows
            while cut_end < len(doc.text) and doc.text[cut_end] in " \t":
                cut_end += 1
            return [Op("delete", cut_start, cut_end), *_recapitalize(doc.text, cut_start, cut_end)]
        return [Op("delete", cut_start, cut_end)]
    return []


TextStrategy = Callable[[str, list, int, int], list[Op]]
ParseStrategy = Callable[..., list[Op]]

# Rule id or family -> (cuts on the text, cuts on the parse), tried in order; the most specific wins.
STRATEGIES: dict[str, tuple[tuple[TextStrategy, ...], tuple[ParseStrategy, ...]]] = {
    "expressive": ((drop_sentences, drop_leading_frame), (keep_the_offer, drop_for_you)),
    # a shaming opt-out needs a neutral one in its place, which no cut can write (CUT_ONLY)
    "expressive.confirmshaming": ((drop_sentences, drop_leading_frame), ()),
    "style.false-co-creation": ((drop_sentences, drop_leading_frame), ()),
    "tone.shouting": ((sentence_case,), ()),
    "tone.exclamation-run": ((one_mark,), ()),
}


# The entries above whose advice asks for words of the writer's own (a neutral opt-out, what the
# customer really chose), which no cut can write: their fix only removes, and their suggestion keeps
# the rule's own example and says so, where quoting the rewritten line would show the sentence after
# the cut as if it were what the advice asks for.
CUT_ONLY = frozenset({"expressive.confirmshaming", "style.false-co-creation"})


def strategies_for(rule_id: str):
    """The entry for the rule or its nearest family, and its key; (None, None) for none."""
    parts = rule_id.split(".")
    for size in range(len(parts), 0, -1):
        key = ".".join(parts[:size])
        if key in STRATEGIES:
            return key, STRATEGIES[key]
    return None, None


# --- applying operations --------------------------------------------------------------------------

def apply_ops(text: str, ops: Iterable[Op]) -> tuple[int, int, str]:
    """The smallest region the operations touch and its new text."""
    ops = list(ops)
    region_start, region_end = min(op.start for op in ops), max(op.end for op in ops)
    chars = list(text[region_start:region_end])
    keep = [True] * len(chars)
    for op in sorted(ops, key=lambda o: ("lowercase", "capitalize", "squeeze", "delete").index(o.kind)):
        a, b = op.start - region_start, op.end - region_start
        if op.kind == "lowercase":
            chars[a:b] = [ch.lower() for ch in chars[a:b]]
        elif op.kind == "capitalize":
            chars[a] = chars[a].upper()
        elif op.kind == "squeeze":
            keep[a + 1:b] = [False] * (b - a - 1)
        elif op.kind == "delete":
            keep[a:b] = [False] * (b - a)
    return region_start, region_end, "".join(ch for ch, kept in zip(chars, keep) if kept)


def advice_of(suggest: str) -> str:
    """The rule's advice without its example ("State the offer as what it is: 'Delta...'")."""
    match = _ADVICE.match(suggest)
    return match.group("advice") if match else suggest


def preview(display: str, start: int, end: int, replacement: str) -> str:
    """The rewritten line(s), as a reader would see them."""
    line_start = display.rfind("\n", 0, start) + 1
    line_end = display.find("\n", end)  # after a dropped line, the line that takes its place
    line_end = len(display) if line_end < 0 else line_end
    text = " ".join((display[line_start:start] + replacement + display[end:line_end]).split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 3].rstrip() + "..."


# --- attaching rewrites to results ----------------------------------------------------------------

@dataclass
class _Pending:
    result_index: int
    finding_index: int
    unit_text: str
    unit_start: int
    key: str  # cache kind: the strategies and the flagged span within the unit


def attach_rewrites(results: list[Result], linter) -> list[Result]:
    """Results with each finding's suggestion rewritten from its line, and a Fix where the original
    file holds the text to replace. Sentences that need their parse are parsed together, once."""
    plans: dict[tuple[int, int], list[Op]] = {}
    pending: list[_Pending] = []
    for r_index, result in enumerate(results):
        message = result.message
        if message is None:
            continue
        units = None
        for f_index, finding in enumerate(result.findings):
            key, entry = strategies_for(finding.rule)
            if entry is None or finding.category == "pyramid":
                continue
            if units is None:  # once per message, not per finding
                units = split_units(message.text)
            start, end = finding.location.start, finding.location.end
            if end <= start:
                continue
            text_strategies, parse_strategies = entry
            ops = next((ops for strategy in text_strategies if (ops := strategy(message.text, units, start, end))), [])
            if ops or not parse_strategies:
                plans[(r_index, f_index)] = ops
                continue
            unit = _unit_of(units, start)
            if unit is None or end > unit[1] or not _READER_WORD.search(message.text, unit[0], unit[1]):
                plans[(r_index, f_index)] = []  # every cut on the parse turns on the reader: no parse without one
                continue
            pending.append(_Pending(r_index, f_index, message.text[unit[0]:unit[1]], unit[0],
                                    f"{CACHE_KIND}:{key}:{start - unit[0]}:{end - unit[0]}"))
    for item, ops in zip(pending, _parse_plans(pending, linter)):
        plans[(item.result_index, item.finding_index)] = [replace(op, start=op.start + item.unit_start,
                                                                  end=op.end + item.unit_start) for op in ops]
    out = []
    for r_index, result in enumerate(results):
        findings = [
            _rewritten(finding, result, plans[(r_index, f_index)], linter) if (r_index, f_index) in plans else finding
            for f_index, finding in enumerate(result.findings)
        ]
        out.append(replace(result, findings=findings) if findings != result.findings else result)
    return out


def _parse_plans(pending: list[_Pending], linter) -> list[list[Op]]:
    if not pending:
        return []
    known = linter.known
    plans: dict[tuple[str, str], list[Op]] = {}
    by_kind: dict[str, list[str]] = {}
    for item in pending:
        by_kind.setdefault(item.key, []).append(item.unit_text)
    for kind, texts in by_kind.items():
        for text, hits in known.get_many(kind, list(dict.fromkeys(texts))).items():
            plans[(kind, text)] = [Op(h.rule_id, h.start, h.end) for h in hits]
    missing = [item for item in pending if (item.key, item.unit_text) not in plans]
    if missing:
        # units parsed for their hits moments ago are not parsed again
        docs = dict(linter.parsed_with_hits)
        texts = [text for text in dict.fromkeys(item.unit_text for item in missing) if text not in docs]
        docs.update(zip(texts, linter.parse(texts)))
        fresh: dict[str, dict[str, list[Hit]]] = {}
        for item in missing:
            _, key, rel_start, rel_end = item.key.split(":")
            _, (_, parse_strategies) = strategies_for(key)
            doc = docs[item.unit_text]
            ops = next((ops for strategy in parse_strategies if (ops := strategy(doc, int(rel_start), int(rel_end)))), [])
            plans[(item.key, item.unit_text)] = ops
            fresh.setdefault(item.key, {})[item.unit_text] = [Hit(op.kind, op.start, op.end) for op in ops]
        for kind, values in fresh.items():
            known.put_many(kind, values)
    return [plans[(item.key, item.unit_text)] for item in pending]


def _rewritten(finding: Finding, result: Result, ops: list[Op], linter) -> Finding:
    rule = linter.ruleset.get(finding.rule)
    advice = advice_of(rule.suggest or finding.suggestion)
    if not ops:
        return replace(finding, suggestion=advice)
    message = result.message
    start, end, replacement = apply_ops(message.display, ops)
    shown = preview(message.display, start, end, replacement)
    # a line cut whole leaves nothing to quote: say so rather than show ''
    suggestion = f"{advice}: '{shown}'" if shown else f"{advice}: drop the line"
    if strategies_for(finding.rule)[0] in CUT_ONLY and not replacement.strip():
        suggestion = f"{finding.suggestion} (the fix only removes the flagged words)"
    original_start, original_end = message.original_span(start, end)
    if not _replaceable(message, message.original[original_start:original_end], message.display[start:end], replacement):
        return replace(finding, suggestion=suggestion)  # markup or a transfer encoding in between: advice only
    line, column = message.line_column(original_start)
    end_line, end_column = message.line_column(original_end)
    fix = Fix(original_start, original_end, line, column, end_line, end_column, replacement)
    return replace(finding, suggestion=suggestion, fix=fix)


def _replaceable(message, original: str, display: str, replacement: str) -> bool:
    """The original may take the replacement in place of what the reader saw: the same text, or in
    HTML the same text with character references ("You&rsquo;ve"), never a tag, and a replacement
    that needs no escaping."""
    if original == display:
        return True
    return (message.origin is not None and "<" not in original and not set("&<>") & set(replacement)
            and html.unescape(original) == display)


def non_overlapping_fixes(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes in file order, leaving out any that overlaps one before it: what --diff, the HTML
    report and the editor's "apply all" each apply."""
    chosen, cursor = [], 0
    for fix in sorted(fixes, key=lambda x: (x.start, x.end)):
        if fix.start >= cursor:
            chosen.append(fix)
            cursor = fix.end
    return chosen


def apply_fixes(original: str, findings: Iterable[Finding]) -> str:
    """The original with every finding's fix applied; a fix that overlaps an earlier one is left out."""
    out, cursor = [], 0
    for fix in non_overlapping_fixes(f.fix for f in findings if f.fix):
        out.append(original[cursor:fix.start] + fix.replacement)
        cursor = fix.end
    out.append(original[cursor:])
    return "".join(out)

