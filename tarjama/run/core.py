"""The run core: documents in, catalogs out. `translate`, `batch` and compare's systems call it.

One call plans each document's catalog (its PO on disk, reviewed work, the translation
memory, MT an earlier run with these very settings left), pools the sentences that still
need the model across documents, translates them in length-sorted token-budget batches,
and writes each catalog through `tarjama.catalog.write` as soon as its sentences are done.
It holds no CLI state and reads no file it is not given, so a long-lived process (a
service) or a worker on another machine can call it per request or per partition with a
model, glossary and memory it opened once.

Order of failure: everything a user can get wrong (the documents, the model, the
glossary, an existing PO, an output path that cannot be written) is found before any
model is loaded and before any file or folder is made.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polib

from tarjama.catalog.build import CatalogHeader, reviewed_msgids
from tarjama.catalog.memory import DEFAULT_THRESHOLD, TranslationMemory
from tarjama.catalog.po_file import load_po
from tarjama.catalog.suggest import Offer, apply_offers, offers_for
from tarjama.catalog.units import (
    FIXED,
    GLOSSARY,
    GLOSSARY_AMBIGUOUS,
    GLOSSARY_FORBIDDEN,
    GLOSSARY_MISSING,
    KIND,
    MARKUP,
    MT,
    SPLIT,
    Unit,
    own_comments,
)
from tarjama.catalog.write import catalog_path, settings_string, write_catalog
from tarjama.errors import InputError, TarjamaError
from tarjama.files import check_can_write, check_not_input
from tarjama.glossary import (
    Ambiguity,
    Glossary,
    Match,
    Matcher,
    TermCheck,
    check_hypothesis,
    find_forbidden,
    forbidden_renderings,
    required_targets,
)
from tarjama.sources import TRANSLATABLE, Document, Kind, Sentence
from tarjama.sources.fixed_lines import fixed_translation
from tarjama.sources.markup import OPAQUE, PAIR, Markup, Span, place
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.backends import effective_compute_type, open_backend
from tarjama.translate.long_sentences import split_for_mt
from tarjama.translate.model_source import ModelSource

SOURCE_LANGUAGE = "ar"
OnWarning = Callable[[str], None]


def ignore_warning(message: str) -> None:
    pass


@dataclass
class RunOptions:
    """How a run treats catalogs; what the model decodes with is ``settings``."""

    out_dir: Path
    lang: str = "en"
    settings: DecodeSettings = field(default_factory=DecodeSettings)
    fuzzy_threshold: float = DEFAULT_THRESHOLD
    retranslate_changed: bool = False  # MT over changed sentences instead of offering their old review
    lock_timeout: float = 30.0
    max_batch_tokens: int = 2048  # padded source tokens per batch
    # Distinct sentences pooled before their documents are written (what an interrupted run
    # keeps); 0 pools every document in one wave.
    wave_sentences: int = 0
    skip_unchanged: bool = False  # leave catalogs whose header records this source, model and settings
    isolate_failures: bool = False  # a bad document fails alone (batch) instead of the whole run
    force: bool = False  # write catalogs whose permission bits say read-only
    # An element without translatable text (a placeholder such as Weblate's [X7X], <img>) that the
    # translation does not show: put at its share of the sentence (the service: a client has no
    # reviewer) instead of appended for a translator to move (catalogs).
    atoms_in_place: bool = False


class Model:
    """A resolved checkpoint (found, revision known: cheap) that is loaded only when a sentence needs it."""

    def __init__(
        self,
        source: ModelSource,
        settings: DecodeSettings,
        opener: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
        backend: Backend | None = None,
    ) -> None:
        self.source = source
        self.settings = settings
        self._opener = opener
        self._backend = backend

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    def backend(self) -> Backend:
        if self._backend is None:
            self._backend = self._opener(self.source, self.settings)
        return self._backend


class Progress(Protocol):
    def start(self, articles: int, sentences: int) -> None: ...
    def advance(self, articles: int = 0, sentences: int = 0) -> None: ...


class NoProgress:
    def start(self, articles: int, sentences: int) -> None:
        pass

    def advance(self, articles: int = 0, sentences: int = 0) -> None:
        pass


@dataclass(frozen=True)
class DecodeBatch:
    """One batch the model decodes: texts sorted by length, their source tokens, and per text the
    glossary terms it must carry and the renderings it must not (None: no glossary)."""

    texts: list[str]
    lengths: list[int]
    terms: list[list[str]] | None = None
    banned: list[list[str]] | None = None


# (wave, batch within the wave, outputs in the batch's order, seconds it took)
Decoded = tuple[int, int, list[str], float]


class Decoder(Protocol):
    """Where a run's batches are decoded. The run core plans them (dedup, long sentences split,
    length-sorted token-budget batches, glossary terms); a decoder only runs
    ``Backend.translate(texts, terms, banned)`` on each batch, unchanged, and reports it."""

    def decode(self, backend: Backend, waves: Iterator[list[DecodeBatch]]) -> Iterator[Decoded]:
        """Every batch of every wave, as each finishes (any order). ``waves`` is lazy: the run
        plans a wave when the decoder asks for it."""
        ...


class LocalDecoder:
    """Decodes in this process with the run's own backend: wave after wave, batch after batch."""

    def decode(self, backend: Backend, waves: Iterable[list[DecodeBatch]]) -> Iterator[Decoded]:
        for w, batches in enumerate(waves):
            for k, batch in enumerate(batches):
                t0 = time.perf_counter()
                outputs = backend.translate(batch.texts, terms=batch.terms, banned=batch.banned)
                yield w, k, outputs, time.perf_counter() - t0


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


@dataclass
class TermReport:
    """Per msgid: the glossary matches and, once translated, what the post-check found."""

    matches: dict[str, list[Match]] = field(default_factory=dict)
    checks: dict[str, TermCheck] = field(default_factory=dict)
    forbidden: dict[str, dict[str, int]] = field(default_factory=dict)  # renderings found anyway
    ambiguous: dict[str, list[Ambiguity]] = field(default_factory=dict)  # spellings several names reach

    def required(self, text: str) -> list[str]:
        return required_targets(self.matches.get(text, ()))

    def banned(self, text: str) -> list[str]:
        return forbidden_renderings(self.matches.get(text, ()))

    def check(self, text: str, output: str) -> None:
        """The one post-check, whatever the backend did to enforce the terms."""
        need = self.required(text)
        if need:
            self.checks[text] = check_hypothesis(need, output)
        banned = self.banned(text)
        if banned and (found := find_forbidden(output, banned)):
            self.forbidden[text] = found

    def missing(self, text: str) -> dict[str, int]:
        check = self.checks.get(text)
        return check.missing if check is not None else {}

    def comments(self, msgid: str) -> list[str]:
        shown = []
        for m in self.matches.get(msgid, ()):
            # the term as written, without attached clitics (those change the letters: ل + ال → لل)
            text = m.surface if not m.clitics else m.term.source
            shown.append(f"{GLOSSARY}{text} → {m.target}")
        marks = [
            f"{GLOSSARY_MISSING}{t!r}" + (f" x{n}" if n > 1 else "") for t, n in self.missing(msgid).items()
        ]
        marks += [
            f"{GLOSSARY_FORBIDDEN}{t!r}" + (f" x{n}" if n > 1 else "")
            for t, n in self.forbidden.get(msgid, {}).items()
        ]
        marks += [
            f"{GLOSSARY_AMBIGUOUS}{a.surface} → {' or '.join(map(repr, a.targets))}"
            for a in self.ambiguous.get(msgid, ())
        ]
        return [*dict.fromkeys(shown), *marks]


@dataclass
class Translated:
    """One sentence's translation outside a catalog (``Run.translate_sentences``)."""

    text: str
    via: str  # memory | mt | fixed
    origin: str = ""  # the memory's file, for a memory hit
    unplaced: list[str] = field(default_factory=list)  # inline elements appended, not placed
    missing: dict[str, int] = field(default_factory=dict)  # glossary terms still missing after MT


@dataclass
class _Job:
    document: Document
    report: ArticleReport
    po_path: Path
    existing: polib.POFile | None
    offers: dict[str, Offer] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # distinct sentences this article needs from the model


class Run:
    """One run over some documents; state lives here so ``run`` reads as the steps it takes."""

    def __init__(
        self,
        options: RunOptions,
        model: Model,
        glossary: Glossary | None = None,
        memory: TranslationMemory | Callable[[], TranslationMemory] | None = None,
        progress: Progress | None = None,
        on_warning: OnWarning = ignore_warning,
        matcher: Matcher | None = None,
        decoder: Decoder | None = None,
    ) -> None:
        self.options = options
        self.model = model
        self.glossary = glossary
        self._memory = memory  # opened at the first lookup: a run that skips every catalog never reads it
        self.progress = progress or NoProgress()
        self.on_warning = on_warning
        # a long-lived caller (the service) indexes its glossary once and passes the matcher
        self.matcher = matcher or (Matcher(glossary) if glossary is not None else None)
        self.decoder = decoder or LocalDecoder()  # a distributed engine decodes elsewhere
        self.translations: dict[str, str] = {}  # what the model read → its translation
        self.parts: dict[str, int] = {}  # sentence → parts it was translated in, when split
        # Entries with inline markup: msgid → its markup; msgid → (msgstr with the markup put back,
        # labels of elements that could not be placed); msgid → each element's English where it is
        # known without the model (a glossary name, kept-as-is text), else None.
        self.markups: dict[str, Markup] = {}
        self.placed: dict[str, tuple[str, list[str]]] = {}
        self.span_targets: dict[str, list[str | None]] = {}
        self._span_only: set[str] = set()  # texts translated only to place an element
        self.terms = TermReport()
        self._spelling_reported = False
        self._warned: set[str] = set()
        source, settings = model.source, options.settings
        self.settings_str = settings_string(
            settings.backend,
            settings.beam,
            effective_compute_type(settings),
            glossary.fingerprint if glossary is not None else "none",
        )
        self.mt_comment = f"{MT}{source.model_id} @ {source.revision}"

    def memory(self) -> TranslationMemory:
        if self._memory is None:
            self._memory = TranslationMemory()
        elif not isinstance(self._memory, TranslationMemory):
            self._memory = self._memory()
        return self._memory

    def run(self, documents: Sequence[Document], failed: Sequence[ArticleReport] = ()) -> RunReport:
        started = time.perf_counter()
        report = RunReport(articles=list(failed))
        jobs = self._plan(documents, report)
        for job in jobs:
            self._look_up(job)
        unique = list(dict.fromkeys(t for job in jobs for t in job.texts))
        report.unique_sentences = len(unique)
        self.progress.start(len(jobs), len(unique))
        try:
            self._translate_waves(plan_waves(jobs, self.options.wave_sentences))
        finally:
            report.model_loaded = self.model.loaded
            report.seconds = time.perf_counter() - started
        return report

    def _fail(self, report: ArticleReport, exc: TarjamaError | OSError) -> None:
        if isinstance(exc, OSError):  # one line that names the file, as a TarjamaError does
            where = exc.filename if exc.filename is not None else report.po_path or report.article
            exc = TarjamaError(exc.strerror or str(exc), path=where)
        if not self.options.isolate_failures:
            raise exc
        report.status, report.error = "failed", str(exc)

    def _plan(self, documents: Sequence[Document], report: RunReport) -> list[_Job]:
        """Each document's catalog: parsed if it exists, checked writable; unchanged ones settled here."""
        targets: dict[Path, Path] = {}
        jobs: list[_Job] = []
        opts = self.options
        for doc in documents:
            t0 = time.perf_counter()
            rep = ArticleReport(doc.path, sentences=len(doc.sentences))
            report.articles.append(rep)
            try:
                rep.po_path = po_path = catalog_path(opts.out_dir, opts.lang, doc.stem)
                if po_path in targets:
                    raise InputError(
                        f"writes the same catalog as {targets[po_path]} ({po_path}); rename one",
                        path=doc.path,
                    )
                targets[po_path] = doc.path
                check_can_write(po_path, force=opts.force)
                check_not_input(po_path, [("the article", doc.path)], force=None)
                existing = load_po(po_path) if po_path.exists() else None
                if opts.skip_unchanged and existing is not None and self._unchanged(existing, doc):
                    rep.status = "unchanged"
                    rep.sentences = sum(1 for e in existing if not e.obsolete)
                    continue
                jobs.append(_Job(doc, rep, po_path, existing))
            except (TarjamaError, OSError) as exc:
                self._fail(rep, exc)
            finally:
                rep.seconds += time.perf_counter() - t0
        return jobs

    def _unchanged(self, existing: polib.POFile, doc: Document) -> bool:
        """The PO was written from this exact article text with this exact model and settings."""
        meta = existing.metadata
        return (
            meta.get("X-Tarjama-Source-SHA256") == doc.sha256
            and meta.get("X-Tarjama-Model") == self.model.source.model_id
            and meta.get("X-Tarjama-Model-Revision") == self.model.source.revision
            and meta.get("X-Tarjama-Settings") == self.settings_str
            and meta.get("Language") == self.options.lang
        )

    def _look_up(self, job: _Job) -> None:
        """Reviewed work first (own catalog, memory), then MT left by an earlier run; the rest is MT."""
        opts = self.options
        texts = job.document.translatable()
        for s in job.document.sentences:
            if s.markup is not None:
                self.markups.setdefault(s.text, s.markup)
        job.offers = offers_for(
            job.existing,
            texts,
            self.memory(),
            origin=str(job.po_path),
            threshold=opts.fuzzy_threshold,
            retranslate_changed=opts.retranslate_changed,
        )
        reviewed = reviewed_msgids(job.existing)
        needed = [t for t in texts if t not in reviewed and t not in job.offers]
        job.report.reviewed_kept = sum(1 for t in texts if t in reviewed)
        job.report.from_memory = len(texts) - len(needed) - job.report.reviewed_kept
        self._scan_terms(texts)  # every entry shows its terms, reviewed ones included
        kept = self._machine_output_on_disk(job.existing)
        for text in needed:
            if text not in kept:
                continue
            msgstr, parts, notes = kept[text]
            plain = self.mt_text(text)
            if text in self.markups:
                if text not in self.placed:
                    self.placed[text] = (msgstr, notes)
                    self.terms.check(plain, self.markups[text].strip(msgstr))
            elif text not in self.translations:
                self.translations[text] = msgstr
                self.terms.check(text, msgstr)
            if parts:
                self.parts[plain] = parts
        job.report.kept_mt = sum(1 for t in needed if t in kept)
        job.report.glossary_misses = sum(
            sum(self.terms.missing(self.mt_text(t)).values()) for t in needed if t in kept
        )
        job.texts = list(dict.fromkeys(m for t in needed if t not in kept for m in self._model_inputs(t)))

    def _scan_terms(self, msgids: Sequence[str]) -> None:
        if self.matcher is None:
            return
        for text in map(self.mt_text, msgids):
            if text not in self.terms.matches:
                scan = self.matcher.scan(text)
                self.terms.matches[text] = scan.matches
                if scan.ambiguous:
                    self.terms.ambiguous[text] = scan.ambiguous
                    for a in scan.ambiguous:
                        self._warn_once(
                            f"glossary: {a.surface!r} is spelt as several names write it "
                            f"({' or '.join(map(repr, a.targets))}): not enforced, see #. {GLOSSARY_AMBIGUOUS}"
                        )

    def translate_sentences(self, sentences: Sequence[Sentence]) -> dict[str, Translated]:
        """Sentences in, translations out, no catalog: what a service answers a request with.

        The same steps as a run, on the same code: an exact translation-memory hit answers
        without the model; the rest is decoded in pooled batches with the glossary enforced
        and checked, and inline markup is put back.
        """
        for s in sentences:
            if s.markup is not None:
                self.markups.setdefault(s.text, s.markup)
        msgids = list(dict.fromkeys(s.text for s in sentences if s.kind in TRANSLATABLE))
        out: dict[str, Translated] = {}
        memory = self.memory()
        needed = []
        for msgid in msgids:
            hit = memory.exact(msgid)
            if hit is not None:
                out[msgid] = Translated(hit.target, "memory", origin=hit.origin)
            else:
                needed.append(msgid)
        self._scan_terms(needed)
        inputs = list(dict.fromkeys(m for t in needed for m in self._model_inputs(t)))
        if inputs:
            self._decode(inputs, lambda finished: None)
        for msgid in needed:
            text, unplaced = self._translation(msgid)
            plain = self.mt_text(msgid)
            out[msgid] = Translated(text, "mt", unplaced=unplaced, missing=dict(self.terms.missing(plain)))
        for s in sentences:
            if s.kind not in TRANSLATABLE and s.text not in out:
                out[s.text] = Translated(fixed_translation(s.text, self.options.lang) or s.text, "fixed")
        return out

    def mt_text(self, msgid: str) -> str:
        """What the model reads for an entry: the msgid without its inline markup."""
        markup = self.markups.get(msgid)
        return markup.plain if markup is not None else msgid

    def _model_inputs(self, msgid: str) -> list[str]:
        """What an entry needs from the model: its sentence, and the text of each inline element whose
        English cannot be known otherwise (to find where the element goes in the translation)."""
        markup = self.markups.get(msgid)
        if markup is None:
            return [msgid]
        targets: list[str | None] = []
        inputs = [markup.plain]
        matches = self.terms.matches.get(markup.plain, [])
        for span in markup.spans:
            text = markup.span_text(span).strip()
            if span.kind == OPAQUE:
                targets.append(text)
            elif span.kind != PAIR or not text:
                targets.append(None)
            elif (term := _term_of(matches, markup, span)) is not None:
                targets.append(term)
            else:
                targets.append(None)
                inputs.append(text)
                if text not in self.terms.matches:
                    self._span_only.add(text)
                    if self.matcher is not None:
                        self.terms.matches[text] = self.matcher.find(text)
        self.span_targets[msgid] = targets
        return inputs

    def _machine_output_on_disk(self, existing: polib.POFile | None) -> dict[str, tuple[str, int, list[str]]]:
        """MT this catalog already holds from this very model, revision and settings: reused, not redone.

        An edited article keeps its unchanged sentences' machine translations instead of
        decoding them again (same engine, same settings: the same output), with the number of
        parts a too-long sentence was translated in (0: whole), and the inline elements it could
        not place.
        """
        if existing is None or existing.metadata.get("X-Tarjama-Settings") != self.settings_str:
            return {}
        kept = {}
        for e in existing:
            lines = (e.comment or "").splitlines()
            if (
                e.msgctxt is None
                and not e.obsolete
                and "fuzzy" in e.flags
                and e.msgstr
                and self.mt_comment in lines
            ):
                split = [c.removeprefix(SPLIT).split()[0] for c in lines if c.startswith(SPLIT)]
                notes = [
                    c.removeprefix(MARKUP).removesuffix(_UNPLACED)
                    for c in own_comments(e.comment)
                    if c.startswith(MARKUP) and c.endswith(_UNPLACED)
                ]
                kept[e.msgid] = (e.msgstr, int(split[0]) if split and split[0].isdigit() else 0, notes)
        return kept

    def _translate_waves(self, waves: list[list[_Job]]) -> None:
        """Each wave's sentences decoded in pooled batches; an article is written as soon as its
        last sentence is done. A sentence is decoded in the first wave that needs it; an article
        of a later wave that needs it too waits for it. The decoder asks for a wave's batches
        when it is ready for them: the local one once the wave before is decoded and written, a
        distributed one all at once (then its results come back in any order)."""
        waiting: dict[int, set[str]] = {}
        # sentence → the articles waiting for it, and whether it is decoded in their own wave
        # (what their report counts as translated)
        owners: dict[str, list[tuple[_Job, bool]]] = {}
        scheduled: set[str] = set()

        def wave_texts() -> Iterator[list[str]]:
            for wave in waves:
                todo: dict[str, None] = {}
                for job in wave:
                    need = [t for t in job.texts if t not in self.translations]
                    waiting[id(job)] = set(need)
                    for text in need:  # in article order (a set's order changes between processes)
                        own = text in todo or text not in scheduled
                        if own:
                            todo[text] = None
                        owners.setdefault(text, []).append((job, own))
                scheduled.update(todo)
                for job in wave:
                    if not waiting[id(job)]:
                        self._finish(job)
                if todo:
                    yield list(todo)

        def on_done(finished: list[str]) -> None:
            for text in finished:
                for job, own in owners.pop(text, ()):
                    if own:
                        job.report.translated += text not in self._span_only
                        job.report.glossary_misses += sum(self.terms.missing(text).values())
                    waiting[id(job)].discard(text)
                    if not waiting[id(job)]:
                        self._finish(job)
            self.progress.advance(sentences=len(finished))

        def time_to(text: str, seconds: float) -> None:
            # a batch's time goes to its articles by source tokens (a shared sentence: its first owner)
            owners[text][0][0].report.seconds += seconds

        self._decode_waves(wave_texts(), on_done, time_to)

    def _decode(self, texts: list[str], on_done: Callable[[list[str]], None]) -> None:
        """Decode ``texts`` as one wave (``_decode_waves``)."""
        self._decode_waves(iter([texts]), on_done)

    def _decode_waves(
        self,
        waves: Iterator[list[str]],
        on_done: Callable[[list[str]], None],
        time_to: Callable[[str, float], None] | None = None,
    ) -> None:
        """Decode each wave's texts (split when longer than the model's input) in token-budget
        batches, with the glossary enforced; each finished text is checked by the one post-check
        and handed to ``on_done`` batch by batch. The model is loaded at the first text."""
        first = next(waves, None)
        if first is None:
            return
        backend = self.model.backend()
        self._report_spelling(backend)
        pools: list[_Pool] = []

        def batches() -> Iterator[list[DecodeBatch]]:
            for texts in itertools.chain([first], waves):
                pools.append(_Pool(self, backend, texts))
                yield pools[-1].batches

        for w, k, outputs, seconds in self.decoder.decode(backend, batches()):
            on_done(pools[w].done(k, outputs, seconds, time_to))

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.on_warning(message)

    def _report_spelling(self, backend: Backend) -> None:
        """Once per run and term: approved forms the model's vocabulary cannot write, and how
        they are still guaranteed (a stand-in decoded, the exact form written back)."""
        if self.glossary is None or self._spelling_reported:
            return
        self._spelling_reported = True
        for target, stand in backend.stand_ins(self.glossary.targets).items():
            lacks = ", ".join(
                repr(c) for c in dict.fromkeys(target) if not c.isspace() and not backend.spells(c)
            )
            what = f"the model cannot spell {target!r}" + (f" (it has no {lacks})" if lacks else "")
            if stand:
                self.on_warning(
                    f"glossary: {what}: it decodes {stand!r} and the approved form is written back"
                )
            else:
                self.on_warning(f"glossary: {what} and no stand-in is possible: it may come out wrong")

    def _pieces(self, backend: Backend, texts: list[str]) -> dict[str, list[str]]:
        """Each sentence as the model reads it: whole, or in parts when it is longer than the model's
        input (truncating would drop source text without a word)."""
        limit = backend.max_source_tokens
        counts = backend.token_counts(texts)
        pieces: dict[str, list[str]] = {}
        for text, count in zip(texts, counts, strict=True):
            if count <= limit:
                pieces[text] = [text]
                continue
            protected = [(m.start, m.end) for m in self.terms.matches.get(text, ())]
            spans = split_for_mt(text, lambda s: backend.token_counts([s])[0], limit, protected)
            parts = [text[a:b].strip() for a, b in spans]
            pieces[text] = [p for p in parts if p]
            self.parts[text] = len(pieces[text])
            if self.matcher is not None:
                for part in pieces[text]:
                    if part not in self.terms.matches:
                        self.terms.matches[part] = self.matcher.find(part)
        return pieces

    def _finish(self, job: _Job) -> None:
        """Write one article's PO (atomic, under its lock); a write failure fails only this article."""
        t0 = time.perf_counter()
        rep, opts, doc = job.report, self.options, job.document
        source = self.model.source
        try:
            units = apply_offers(self._units(job), job.offers)
            header = CatalogHeader(
                project=doc.stem,
                language=opts.lang,
                source_language=SOURCE_LANGUAGE,
                model_id=source.model_id,
                model_revision=source.revision,
                source_file=doc.path.name,
                source_sha256=doc.sha256,
                settings=self.settings_str,
            )
            new_mt = any(self.mt_comment in u.comments for u in units)
            result = write_catalog(job.po_path, units, header, opts.lock_timeout, new_mt=new_mt)
            rep.status = "written" if result.written else "unchanged"
            rep.reviewed_kept = result.reviewed_kept
            for text in dict.fromkeys(s.mt_text for s in doc.sentences if s.mt_text in job.texts):
                check = self.terms.checks.get(text)
                if check is not None:
                    rep.terms_required += check.total
                    rep.terms_correct += check.correct
                rep.split += text in self.parts
        except (TarjamaError, OSError) as exc:
            self._fail(rep, exc)
        finally:
            rep.seconds += time.perf_counter() - t0
            self.progress.advance(articles=1)

    def _units(self, job: _Job) -> list[Unit]:
        occurrence_file = job.document.path.as_posix()
        units: dict[str, Unit] = {}
        for s in job.document.sentences:
            occurrence = (occurrence_file, s.locator)
            if s.text in units:
                units[s.text].occurrences.append(occurrence)
                continue
            comments = [] if s.kind == Kind.BODY else [f"{KIND}{s.kind}"]
            if s.kind in TRANSLATABLE:
                msgstr, unplaced = self._translation(s.text)
                if msgstr:
                    comments.append(self.mt_comment)
                plain = self.mt_text(s.text)
                if plain in self.parts:
                    comments.append(f"{SPLIT}{self.parts[plain]} parts")
                comments += self.terms.comments(plain)
                comments += [f"{MARKUP}{label}{_UNPLACED}" for label in unplaced]
            else:
                msgstr = fixed_translation(s.text, self.options.lang)
                comments.append(f"{FIXED}not machine-translated")
            units[s.text] = Unit(s.text, msgstr, [occurrence], comments, fuzzy=bool(msgstr))
        return list(units.values())

    def _translation(self, msgid: str) -> tuple[str, list[str]]:
        """The entry's machine translation ('' if none), its inline markup put back."""
        markup = self.markups.get(msgid)
        if markup is None:
            return self.translations.get(msgid, ""), []
        if msgid not in self.placed:
            plain = self.translations.get(markup.plain, "")
            if not plain:
                return "", []
            known = self.span_targets.get(msgid, [None] * len(markup.spans))
            targets = [
                t if t is not None or s.kind != PAIR else self.translations.get(markup.span_text(s).strip())
                for t, s in zip(known, markup.spans, strict=True)
            ]
            result = place(markup, plain, targets, atoms_in_place=self.options.atoms_in_place)
            self.placed[msgid] = (result.text, result.unplaced)
        return self.placed[msgid]


_UNPLACED = " could not be placed"


def _term_of(matches: Sequence[Match], markup: Markup, span: Span) -> str | None:
    """The approved form, when an inline element holds one glossary term and nothing else but
    clitics and punctuation (a link on a name)."""
    inside = [m for m in matches if span.start <= m.start and m.end <= span.end]
    if len(inside) != 1:
        return None
    m = inside[0]
    rest = markup.plain[span.start : m.start] + markup.plain[m.end : span.end]
    return m.target if not any(ch.isalpha() for ch in rest) else None


class _Pool:
    """One wave's decoding: each text as the model reads it (whole, or in parts when longer than
    its input), the parts in token-budget batches with their glossary terms, and the parts done."""

    def __init__(self, run: Run, backend: Backend, texts: list[str]) -> None:
        self.run = run
        self.pieces = run._pieces(backend, texts)
        self.part_of: dict[str, list[str]] = {}
        for text, parts in self.pieces.items():
            for part in parts:
                self.part_of.setdefault(part, []).append(text)
        self.done_parts: dict[str, str] = {}
        terms = run.terms
        self.batches = [
            DecodeBatch(chunk, lengths, [terms.required(t) for t in chunk], [terms.banned(t) for t in chunk])
            for chunk, lengths in pool_batches(backend, list(self.part_of), run.options.max_batch_tokens)
        ]

    def done(
        self, k: int, outputs: list[str], seconds: float, time_to: Callable[[str, float], None] | None
    ) -> list[str]:
        """Batch ``k``'s outputs in; the texts now complete (joined, post-checked) out."""
        batch, run = self.batches[k], self.run
        total = sum(batch.lengths) or 1
        finished: list[str] = []
        for part, out, n in zip(batch.texts, outputs, batch.lengths, strict=True):
            self.done_parts[part] = out
            if time_to is not None:
                time_to(self.part_of[part][0], seconds * n / total)
            for text in self.part_of[part]:
                if text not in run.translations and all(p in self.done_parts for p in self.pieces[text]):
                    run.translations[text] = " ".join(self.done_parts[p] for p in self.pieces[text])
                    run.terms.check(text, run.translations[text])
                    finished.append(text)
        return finished


def plan_waves(jobs: Sequence[_Job], wave_sentences: int) -> list[list[_Job]]:
    """Consecutive articles grouped until a group needs ``wave_sentences`` distinct sentences (0: one group)."""
    if wave_sentences <= 0:
        return [list(jobs)] if jobs else []
    waves: list[list[_Job]] = []
    current: list[_Job] = []
    seen: set[str] = set()
    for job in jobs:
        current.append(job)
        seen.update(job.texts)
        if len(seen) >= wave_sentences:
            waves.append(current)
            current, seen = [], set()
    if current:
        waves.append(current)
    return waves


def token_budget_batches(lengths: Sequence[int], max_tokens: int, max_sentences: int) -> list[list[int]]:
    """Indices sorted by length, cut so each batch's padded size (count x longest) fits ``max_tokens``.

    A sentence longer than the budget still gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= max_sentences or (len(current) + 1) * lengths[i] > max_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


OnBatch = Callable[[list[str], list[str], list[int], float], None]


def pool_batches(
    backend: Backend, texts: Sequence[str], max_batch_tokens: int = 2048
) -> list[tuple[list[str], list[int]]]:
    """Dedup, sort by length, cut by token budget: each batch's texts and their source lengths."""
    unique = list(dict.fromkeys(texts))
    lengths = [len(ids) for ids in backend.encode(unique)]
    return [
        ([unique[i] for i in batch], [lengths[i] for i in batch])
        for batch in token_budget_batches(lengths, max_batch_tokens, backend.settings.batch_size)
    ]


def translate_pool(
    backend: Backend,
    texts: Sequence[str],
    max_batch_tokens: int = 2048,
    on_batch: OnBatch | None = None,
    decoder: Decoder | None = None,
) -> list[str]:
    """Dedup, sort by length, batch by token budget, translate: how the run core feeds a backend.

    ``on_batch(texts, outputs, source_lengths, seconds)`` sees each batch as it finishes;
    ``decoder``: where the batches are decoded (default: here, with ``backend``). The
    throughput benchmark measures exactly this function.
    """
    batches = [
        DecodeBatch(chunk, lengths) for chunk, lengths in pool_batches(backend, texts, max_batch_tokens)
    ]
    done: dict[str, str] = {}
    for _, k, outputs, seconds in (decoder or LocalDecoder()).decode(backend, iter([batches])):
        batch = batches[k]
        if on_batch is not None:
            on_batch(batch.texts, outputs, batch.lengths, seconds)
        done.update(zip(batch.texts, outputs, strict=True))
    return [done[t] for t in texts]
