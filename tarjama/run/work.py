"""What a run keeps while it works, as records: one per distinct sentence, one per text the model
reads, one per article; and the reports it hands back.

Two tables, two keys, never mixed: a sentence (``SentenceWork``) is its msgid, markup
included; what the model reads (``ModelText``: a sentence without its markup, an inline
element's words, a part of a sentence too long for the model) is that text, shared by every
sentence that reads it, so it is decoded and post-checked once. A sentence's machine
translation is the run's, whatever catalog it goes into; where a catalog's msgstr comes from
(reviewed, memory, kept MT, MT) is the article's (``ArticleWork.origins``): one sentence can
be reviewed in one article's catalog and machine-translated in another's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polib

from tarjama.catalog.notes import GlossaryAmbiguous, GlossaryForbidden, GlossaryMissing, GlossaryNote, Note
from tarjama.catalog.suggest import Offer
from tarjama.errors import TarjamaError
from tarjama.glossary import (
    Ambiguity,
    Match,
    Matcher,
    Required,
    TermCheck,
    check_hypothesis,
    find_forbidden,
    forbidden_renderings,
    required_targets,
)
from tarjama.sources import Document, Sentence
from tarjama.sources.markup import OPAQUE, PAIR, Markup, Placed, Span, place


@dataclass
class ArticleReport:
    """What a run did with one article."""

    article: Path
    po_path: Path | None = None
    status: str = "pending"  # pending (interrupted before it was reached) | written | unchanged | failed
    sentences: int = 0
    reviewed_kept: int = 0  # reviewed in its own catalog
    from_memory: int = 0  # filled or offered from the translation memory or an earlier review
    kept_mt: int = 0  # machine translations already in its catalog from the same model and settings
    translated: int = 0  # sent to the model in this run
    split: int = 0  # sentences too long for the model, translated in parts
    glossary_misses: int = 0
    terms_required: int = 0  # glossary term occurrences in its sentences machine-translated now
    terms_correct: int = 0
    seconds: float = 0.0
    error: str = ""

    @property
    def machine_translated(self) -> int:
        return self.kept_mt + self.translated


@dataclass
class RunReport:
    articles: list[ArticleReport]
    model_loaded: bool = False
    unique_sentences: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[ArticleReport]:
        return [a for a in self.articles if a.status == "failed"]


def record_failure(report: ArticleReport, exc: TarjamaError | OSError, isolate: bool) -> None:
    """An article's failure: raised (the whole run fails), or, with ``isolate``, kept in its report."""
    if isinstance(exc, OSError):  # one line that names the file, as a TarjamaError does
        where = exc.filename if exc.filename is not None else report.po_path or report.article
        exc = TarjamaError(exc.strerror or str(exc), path=where)
    if not isolate:
        raise exc
    report.status, report.error = "failed", str(exc)


class Origin(StrEnum):
    """Where an entry's msgstr comes from."""

    REVIEWED = "reviewed"  # a translator's review in its own catalog
    MEMORY = "memory"  # reviewed work elsewhere: the translation memory, or an earlier review offered
    KEPT_MT = "kept-mt"  # machine output an earlier run with this very model and settings left
    MT = "mt"  # decoded in this run
    FIXED = "fixed"  # rendered by rule (a source line, a counter), never by the model


@dataclass(eq=False)
class ModelText:
    """One text the model reads, with its glossary terms, its translation and the post-check."""

    text: str
    matches: list[Match] = field(default_factory=list)  # glossary terms in it (enforced when decoded)
    ambiguous: list[Ambiguity] = field(default_factory=list)  # spellings several names reach: not enforced
    scanned: bool = False  # matches looked up (only ever with a glossary)
    span_only: bool = False  # read only to place an inline element: no sentence translated
    parts: int = 0  # parts it was translated in, when longer than the model's input (0: whole)
    output: str | None = None  # its translation: decoded, or kept from the catalog
    check: TermCheck | None = None  # required terms the translation holds
    forbidden: dict[str, int] = field(default_factory=dict)  # forbidden renderings found anyway
    # the decoder's log-probability per token of the output (translate.backend.Scored), and
    # its gap to the next hypothesis; None where unknown (kept from a catalog, a Ray worker)
    confidence: float | None = None
    gap: float | None = None

    def required(self) -> list[Required]:
        return required_targets(self.matches)

    def banned(self) -> list[str]:
        return forbidden_renderings(self.matches)

    def post_check(self, output: str) -> None:
        """The one post-check, whatever the backend did to enforce the terms."""
        need = self.required()
        if need:
            self.check = check_hypothesis(need, output)
        banned = self.banned()
        if banned and (found := find_forbidden(output, banned)):
            self.forbidden = found

    def missing(self) -> dict[str, int]:
        return self.check.missing if self.check is not None else {}

    def notes(self) -> list[Note]:
        """Its glossary notes: each term as written (without attached clitics: those change the
        letters, ل + ال → لل) and its approved form, then what the post-check found."""
        shown = [
            GlossaryNote(m.surface if not m.clitics else m.term.source, "|".join(m.approved))
            for m in self.matches
        ]
        marks: list[Note] = [GlossaryMissing(t, n) for t, n in self.missing().items()]
        marks += [GlossaryForbidden(t, n) for t, n in self.forbidden.items()]
        marks += [GlossaryAmbiguous(a.surface, tuple(a.targets)) for a in self.ambiguous]
        return [*dict.fromkeys(shown), *marks]


@dataclass(eq=False)
class SentenceWork:
    """One distinct sentence (msgid) of the run, from look-up to its catalog units."""

    msgid: str
    markup: Markup | None  # inline markup, when the msgid is more than what the model reads
    plain: ModelText  # what the model reads for it
    # each inline element's English where it is known without the model (a glossary name,
    # text kept as it is), else None; set when the sentence is planned for the model
    span_targets: list[str | None] | None = None
    placed: Placed | None = None  # its translation with the markup put back (or kept from the catalog)


@dataclass(eq=False)
class ArticleWork:
    """One article being turned into its catalog."""

    document: Document
    report: ArticleReport
    po_path: Path
    existing: polib.POFile | None  # its catalog on disk, parsed
    offers: dict[str, Offer] = field(default_factory=dict)  # msgid → reviewed work offered
    origins: dict[str, Origin] = field(default_factory=dict)  # translatable msgid → its msgstr's origin
    texts: list[str] = field(default_factory=list)  # distinct texts it needs from the model, in order


class WorkTable:
    """Every sentence and every model text of a run; the stages read and fill these records."""

    def __init__(self, matcher: Matcher | None) -> None:
        self.matcher = matcher
        self.sentences: dict[str, SentenceWork] = {}
        self.texts: dict[str, ModelText] = {}

    def text(self, text: str) -> ModelText:
        found = self.texts.get(text)
        if found is None:
            found = self.texts[text] = ModelText(text)
        return found

    def output(self, text: str) -> str | None:
        found = self.texts.get(text)
        return found.output if found is not None else None

    def register(self, sentence: Sentence) -> SentenceWork:
        """The sentence's record (its markup: the first seen with it)."""
        work = self.sentences.get(sentence.text)
        if work is None:
            work = SentenceWork(sentence.text, sentence.markup, self.text(sentence.mt_text))
            self.sentences[sentence.text] = work
        elif work.markup is None and sentence.markup is not None:
            work.markup, work.plain = sentence.markup, self.text(sentence.markup.plain)
        return work

    def find_terms(self, text: ModelText) -> None:
        """Glossary terms of a text that is not a sentence (an inline element, a part), looked up once."""
        if self.matcher is not None and not text.scanned:
            text.matches, text.scanned = self.matcher.find(text.text), True

    def scan_terms(self, text: ModelText) -> list[Ambiguity]:
        """A sentence's glossary terms and ambiguous spellings, looked up once (the new ambiguities out)."""
        if self.matcher is None or text.scanned:
            return []
        scan = self.matcher.scan(text.text)
        text.matches, text.ambiguous, text.scanned = scan.matches, scan.ambiguous, True
        return scan.ambiguous

    def model_inputs(self, work: SentenceWork) -> list[str]:
        """What a sentence needs from the model: its text, and the words of each inline element
        whose English cannot be known otherwise (to find where the element goes)."""
        markup = work.markup
        if markup is None:
            return [work.msgid]
        targets: list[str | None] = []
        inputs = [markup.plain]
        for span in markup.spans:
            text = markup.span_text(span).strip()
            if span.kind == OPAQUE:
                targets.append(text)
            elif span.kind != PAIR or not text:
                targets.append(None)
            elif (term := _term_of(work.plain.matches, markup, span)) is not None:
                targets.append(term)
            else:
                targets.append(None)
                inputs.append(text)
                element = self.text(text)
                if not element.scanned:
                    element.span_only = True
                    self.find_terms(element)
        work.span_targets = targets
        return inputs

    def translation(self, work: SentenceWork, atoms_in_place: bool) -> Placed:
        """The sentence's machine translation ('' if none), its inline markup put back."""
        markup = work.markup
        if markup is None:
            return Placed(work.plain.output or "")
        if work.placed is None:
            plain = work.plain.output
            if not plain:
                return Placed("")
            known = work.span_targets if work.span_targets is not None else [None] * len(markup.spans)
            targets = [
                t if t is not None or s.kind != PAIR else self.output(markup.span_text(s).strip())
                for t, s in zip(known, markup.spans, strict=True)
            ]
            work.placed = place(markup, plain, targets, atoms_in_place=atoms_in_place)
        return work.placed


def _term_of(matches: Sequence[Match], markup: Markup, span: Span) -> str | None:
    """The approved form, when an inline element holds one glossary term and nothing else but
    clitics and punctuation (a link on a name)."""
    inside = [m for m in matches if span.start <= m.start and m.end <= span.end]
    if len(inside) != 1:
        return None
    m = inside[0]
    rest = markup.plain[span.start : m.start] + markup.plain[m.end : span.end]
    return m.target if not any(ch.isalpha() for ch in rest) else None
