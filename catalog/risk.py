"""Review triage: how likely a catalog entry's unreviewed translation needs a translator's edit,
and why (issue 28 section 1). Written as the entry's ``#. risk:`` note (catalog.notes.RiskNote);
read back by ``tarjama review``, ``tarjama status`` and the compare report.

The risk is a logistic model: ``risk = 1 / (1 + exp(-(BIAS + sum of w_i * x_i)))``, each signal
``x_i`` in [0, 1] and each weight in log-odds. The signals (:func:`signals`):

- the model's doubt, ``1 - exp(confidence)``: one minus the geometric mean of the probabilities
  the decoder gave its own output tokens (translate.backend.Scored);
- a close second hypothesis (gap under ``CLOSE_GAP`` nats per token), where the decode had one;
- the checks: Arabic script left in the output, a number lost or changed (catalog.checks),
  markup or placeholders that do not match, a repetition loop (one to four words repeated at
  least three times in a row, or a syllable stuttered inside a word), a length ratio far from the
  catalog's typical one (graded), a glossary term still missing or a forbidden rendering, a
  sentence split for the model, a starting point that is only a fuzzy memory match.

The weights in ``WEIGHTS`` are fitted by benchmarks/risk_ranking.py to order sentences as their
real quality does; docs/risk.md says how, what the fit found (the decoder's signals earn no
weight on the benchmark's model) and how to refit. Reasons name every signal that adds at least
``SHOWN`` log-odds, strongest first. An entry rendered by rule (a source line, a counter) has
risk 0.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polib

from tarjama.catalog.checks import lost_numbers, lost_placeholders, markup_problem
from tarjama.catalog.notes import (
    FixedNote,
    GlossaryForbidden,
    GlossaryMissing,
    MemoryFuzzy,
    MtNote,
    Note,
    RiskNote,
    SplitNote,
    notes,
    parse_note,
)
from tarjama.catalog.review import (
    ARABIC_SCRIPT,
    holds_translation,
    is_article_entry,
    is_reviewed,
    primary_language,
)
from tarjama.catalog.units import Unit

BIAS = -3.0  # not fitted (an order has no base rate): a clean sentence at about 5 % (σ(-3))
# Fitted by benchmarks/risk_ranking.py (pairwise logistic regression on the benchmark's 110
# sentences, weights >= 0, a weak prior around the weights set by reason; docs/risk.md says
# what the fit found). A signal that never fired there keeps its reasoned weight (# reasoned).
WEIGHTS: Mapping[str, float] = {
    "doubt": 0.0,  # x = 1 - geometric-mean token probability; reasoned 3.0, fitted to nothing
    "close second": 0.0,  # the n-best list's runner-up within CLOSE_GAP; reasoned 0.5
    "arabic left": 3.0,  # reasoned
    "numbers": 0.97,  # reasoned 2.5
    "markup": 2.0,  # markup or placeholders; reasoned
    "repetition": 2.5,  # reasoned
    "length": 3.07,  # x from 0 at LENGTH_SLACK to 1 at LENGTH_FULL; reasoned 2.0
    "glossary": 1.5,  # a required term still missing, or a forbidden rendering; reasoned
    "split": 0.7,  # reasoned
    "fuzzy memory": 8.0,  # x = 1 - match score (0.80 → +1.6); reasoned
}
SHOWN = 0.5  # log-odds a signal must add to be named as a reason
CLOSE_GAP = 0.1  # nats per token
LENGTH_SLACK = math.log(1.25)  # within ×1.25 of the typical ratio is normal
LENGTH_FULL = math.log(4.0)  # ×4 off (either way) is as bad as length gets
TYPICAL_RATIO = 1.2  # English/Arabic characters: the median of the project's reviewed pairs
MIN_SAMPLE = 8  # entries a catalog needs for its own typical ratio

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")
_WORD = re.compile(r"\w+")
_STUTTER = re.compile(r"(\w{2,6}?)\1{3,}")
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class DecoderScores:
    """What the decoder said about a machine translation (None: unknown)."""

    confidence: float | None = None
    gap: float | None = None


@dataclass(frozen=True)
class Signal:
    """One thing found about a translation: a key of ``WEIGHTS``, its strength x in [0, 1] and
    the reason a translator reads."""

    name: str
    x: float
    reason: str


def assess(
    msgid: str,
    msgstr: str,
    said: Sequence[Note] = (),
    decoded: DecoderScores = DecoderScores(),
    typical_ratio: float = TYPICAL_RATIO,
    language: str | None = None,
) -> RiskNote:
    """The risk of one translated entry, from its text, its notes and the decoder's scores."""
    if any(isinstance(n, FixedNote) for n in said):
        return RiskNote(0.0, ("rendered by rule",))
    return combine(signals(msgid, msgstr, said, decoded, typical_ratio, language))


def combine(found: Iterable[Signal], weights: Mapping[str, float] | None = None) -> RiskNote:
    """The logistic model over ``found`` (``weights``: WEIGHTS, or a fit being evaluated): the
    risk and the reasons that add at least SHOWN."""
    weights = WEIGHTS if weights is None else weights
    # x is clamped: a note a hand edited ("memory: 5.00 fuzzy match") must not lower the risk
    added = [(weights[s.name] * min(1.0, max(0.0, s.x)), s.reason) for s in found]
    logit = BIAS + sum(a for a, _ in added)
    reasons = [r for a, r in sorted(added, key=lambda ar: -ar[0]) if a >= SHOWN]
    return RiskNote(1.0 / (1.0 + math.exp(-logit)), tuple(reasons))


def signals(
    msgid: str,
    msgstr: str,
    said: Sequence[Note] = (),
    decoded: DecoderScores = DecoderScores(),
    typical_ratio: float = TYPICAL_RATIO,
    language: str | None = None,
) -> list[Signal]:
    """Everything :func:`assess` weighs, each signal at most once (benchmarks/risk_ranking.py
    fits ``WEIGHTS`` on these)."""
    found: list[Signal] = []
    if decoded.confidence is not None and math.isfinite(decoded.confidence):
        sure = math.exp(min(0.0, decoded.confidence))
        found.append(Signal("doubt", 1.0 - sure, f"low model confidence ({sure:.2f})"))
    if decoded.gap is not None and math.isfinite(decoded.gap) and abs(decoded.gap) < CLOSE_GAP:
        found.append(Signal("close second", 1.0, "a close second translation"))
    # Arabic letters are target text in a language written in Arabic script
    arabic_target = primary_language(language) in ARABIC_SCRIPT if language else False
    if not arabic_target and (left := _ARABIC.findall(_TAG.sub(" ", msgstr))):
        shown = " ".join(w[:20] for w in list(dict.fromkeys(left))[:3])
        found.append(Signal("arabic left", 1.0, f"Arabic left: {shown}"))
    if lost := lost_numbers(msgid, msgstr):
        shown = ", ".join(n if len(n) <= 20 else n[:17] + "..." for n in lost[:3])
        found.append(
            Signal("numbers", 1.0, f"number {shown} missing" + (" (and more)" if len(lost) > 3 else ""))
        )
    if problem := markup_problem(msgid, msgstr):
        found.append(Signal("markup", 1.0, problem[:60]))
    elif placeholders := lost_placeholders(msgid, msgstr):
        found.append(Signal("markup", 1.0, "placeholder " + " ".join(placeholders)[:40] + " missing"))
    if repeated := repetition(msgstr):
        found.append(Signal("repetition", 1.0, f"repeated phrase: {repeated[:30]}"))
    if (x := length_signal(msgid, msgstr, typical_ratio)) > 0:
        ratio = _ratio(msgid, msgstr) / typical_ratio
        found.append(Signal("length", x, f"length ×{ratio:.1f} the catalog's usual"))
    terms = [n.term for n in said if isinstance(n, GlossaryMissing | GlossaryForbidden)]
    if terms:
        found.append(Signal("glossary", 1.0, "glossary: " + ", ".join(dict.fromkeys(terms))[:50]))
    if parts := next((n.parts for n in said if isinstance(n, SplitNote)), 0):
        found.append(Signal("split", 1.0, f"split in {parts} parts for the model"))
    if fuzzy := next((n for n in said if isinstance(n, MemoryFuzzy)), None):
        found.append(
            Signal("fuzzy memory", 1.0 - fuzzy.score, f"only a {fuzzy.score:.2f} fuzzy memory match")
        )
    return found


def repetition(text: str) -> str:
    """The phrase a decoding loop repeats ('' if none): one to four words at least three times
    in a row (one word: four times), or a piece of a word stuttered four times ("نغنغنغنغ")."""
    words = [w.lower() for w in _WORD.findall(text)]
    for n in (1, 2, 3, 4):
        need = 4 if n == 1 else 3
        i = 0
        while i + n * need <= len(words):
            gram = words[i : i + n]
            copies = 1
            while words[i + copies * n : i + (copies + 1) * n] == gram:
                copies += 1
            if copies >= need and not gram[0].isdigit():
                return " ".join(gram)
            i += 1
    stutter = _STUTTER.search(text)
    return stutter.group(1) if stutter else ""


def _ratio(msgid: str, msgstr: str) -> float:
    source = len(_TAG.sub("", msgid).strip()) or 1
    return len(_TAG.sub("", msgstr).strip()) / source


def length_signal(msgid: str, msgstr: str, typical_ratio: float) -> float:
    """0 within ×1.25 of the typical ratio (where 80 % of reviewed pairs lie), growing with the
    log of the distance to 1 at ×4 (either way): a graded signal orders sentences, where a
    step at ×1.5 made every normal sentence tie."""
    off = abs(math.log(max(_ratio(msgid, msgstr), 1e-3) / max(typical_ratio, 1e-3)))
    return min(1.0, max(0.0, (off - LENGTH_SLACK) / (LENGTH_FULL - LENGTH_SLACK)))


def typical_ratio(pairs: Iterable[tuple[str, str]]) -> float:
    """A catalog's usual translation/source length ratio: the median of its pairs, or the
    project's own when it has too few."""
    ratios = [_ratio(a, b) for a, b in pairs if a.strip() and b.strip()]
    return statistics.median(ratios) if len(ratios) >= MIN_SAMPLE else TYPICAL_RATIO


def needs_risk(said: Sequence[Note], msgstr: str, fuzzy: bool) -> bool:
    """Whether an entry gets a risk note: an unreviewed translation tarjama wrote (machine
    output, a fuzzy memory offer, a line rendered by rule)."""
    if not fuzzy or not msgstr:
        return False
    return any(isinstance(n, MtNote | MemoryFuzzy | FixedNote) for n in said)


def risk_of(comment: str | None) -> RiskNote | None:
    """The risk note of an entry's extracted comment (None: none, or one a hand made unreadable)."""
    return next((n for n in notes(comment) if isinstance(n, RiskNote)), None)


NOT_DECODED = "rated from the checks only (no risk note)"


def entry_risk(entry: polib.POEntry, language: str | None, ratio: float) -> RiskNote | None:
    """An unreviewed translation's risk (None: the entry is reviewed, empty, a copy of its
    source or a translator's msgctxt variant): its note, or, where it has none (a catalog an older tarjama wrote, a note a hand
    made unreadable, which is no note), its checks alone, saying so."""
    if entry.obsolete or not is_article_entry(entry) or "fuzzy" not in entry.flags:
        return None  # (an entry with a context is a translator's own variant, not tarjama's)
    if not holds_translation(entry, language):
        return None
    note = risk_of(entry.comment)
    if note is None:
        rated = assess(
            entry.msgid, entry.msgstr, notes(entry.comment), typical_ratio=ratio, language=language
        )
        note = RiskNote(rated.risk, (*rated.reasons, NOT_DECODED))
    return note


def catalog_ratio(po: polib.POFile) -> float:
    """The typical length ratio of a catalog's reviewed entries (the project's when too few)."""
    return typical_ratio((e.msgid, e.msgstr) for e in po if is_reviewed(e))


def rate_units(
    units: Sequence[Unit],
    decoded: Mapping[str, DecoderScores],
    existing: polib.POFile | None = None,
) -> None:
    """Put a risk note on each unit that needs one (:func:`needs_risk`), replacing any older.

    ``decoded``: the decoder's scores per msgid translated in this run. Machine output kept
    from the catalog (same model and settings, so the same output) keeps the risk it was
    written with, since its scores are not decoded again. The typical length ratio is the
    catalog's reviewed entries', else this article's translations', else the project's.
    """
    reviewed = [(e.msgid, e.msgstr) for e in existing or () if is_reviewed(e) and is_article_entry(e)]
    own = [(u.msgid, u.msgstr) for u in units if u.msgstr]
    ratio = typical_ratio(reviewed if len(reviewed) >= MIN_SAMPLE else own)
    done = {msgid for msgid, _ in reviewed}  # the merge keeps a translator's entry as it is
    before = {e.msgid: (e.msgstr, risk_of(e.comment)) for e in existing or () if not e.obsolete}
    for unit in units:
        kept = [c for c in unit.comments if not RiskNote.marks(c)]
        said = [n for c in kept if (n := parse_note(c)) is not None]
        if unit.msgid in done or not needs_risk(said, unit.msgstr, unit.fuzzy):
            unit.comments = kept
            continue
        old_msgstr, old = before.get(unit.msgid, ("", None))
        if unit.msgid not in decoded and old is not None and old_msgstr == unit.msgstr:
            note = old
        else:
            note = assess(unit.msgid, unit.msgstr, said, decoded.get(unit.msgid, DecoderScores()), ratio)
        unit.comments = [note.format(), *kept]  # first: what a translator reads first
