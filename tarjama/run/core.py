"""The run core: documents in, catalogs out. `translate`, `batch` and compare's systems call it.

One call plans each document's catalog (`run.plan`), looks up what each sentence gets without
the model (`run.lookup`: reviewed work, the translation memory, MT an earlier run with these
very settings left), pools the texts that still need the model across documents and
translates them in length-sorted token-budget batches (`run.decode`, in `run.waves`), and
writes each catalog as soon as its sentences are done (`run.write`). What it knows about each
sentence lives in one record (`run.work`). It holds no CLI state and reads no file it is not
given, so a long-lived process (a service) or a worker on another machine can call it per
request or per partition with a model, glossary and memory it opened once.

Order of failure: everything a user can get wrong (the documents, the model, the
glossary, an existing PO, an output path that cannot be written) is found before any
model is loaded and before any file or folder is made.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tarjama.catalog.memory import TranslationMemory
from tarjama.catalog.notes import CatalogHeader, FixedNote, MtNote, RiskNote, SplitNote
from tarjama.catalog.risk import DecoderScores, assess
from tarjama.catalog.write import settings_string
from tarjama.glossary import Glossary, Matcher
from tarjama.run.decode import DecodeBatch, Decoded, Decoder, LocalDecoder, decode_waves
from tarjama.run.lookup import look_up, scan_terms
from tarjama.run.options import Model, NoProgress, OnWarning, Progress, RunOptions, ignore_warning
from tarjama.run.plan import plan_articles, plan_waves
from tarjama.run.waves import Waves
from tarjama.run.work import ArticleReport, ArticleWork, Origin, RunReport, WorkTable
from tarjama.run.write import write_article
from tarjama.sources import TRANSLATABLE, Document, Sentence
from tarjama.sources.fixed_lines import fixed_translation
from tarjama.translate.backend import Backend
from tarjama.translate.backends import effective_compute_type

# what callers import from here (the service, the engines), defined in the stage modules
__all__ = [
    "ArticleReport",
    "DecodeBatch",
    "Decoded",
    "Decoder",
    "LocalDecoder",
    "Model",
    "OnWarning",
    "Progress",
    "Run",
    "RunOptions",
    "RunReport",
    "Translated",
    "ignore_warning",
]

SOURCE_LANGUAGE = "ar"


@dataclass
class Translated:
    """One sentence's translation outside a catalog (``Run.translate_sentences``)."""

    text: str
    via: Origin  # memory | mt | fixed
    origin: str = ""  # the memory's file, for a memory hit
    unplaced: list[str] = field(default_factory=list)  # inline elements appended, not placed
    missing: dict[str, int] = field(default_factory=dict)  # glossary terms still missing after MT
    risk: RiskNote | None = None  # how likely it needs an edit (catalog.risk); None: from memory


class Run:
    """One run over some documents: the stages in order, over one table of sentences."""

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
        self.table = WorkTable(self.matcher)
        self._spelling_reported = False
        self._warned: set[str] = set()
        source, settings = model.source, options.settings
        # what every catalog this run writes records about the engine
        self.engine = CatalogHeader(
            language=options.lang,
            source_language=SOURCE_LANGUAGE,
            model_id=source.model_id,
            model_revision=source.revision,
            settings=settings_string(
                settings.backend,
                settings.beam,
                effective_compute_type(settings),
                glossary.fingerprint if glossary is not None else "none",
            ),
        )
        self.mt = MtNote(source.model_id, source.revision)

    def memory(self) -> TranslationMemory:
        if self._memory is None:
            self._memory = TranslationMemory()
        elif not isinstance(self._memory, TranslationMemory):
            self._memory = self._memory()
        return self._memory

    def run(self, documents: Sequence[Document], failed: Sequence[ArticleReport] = ()) -> RunReport:
        started = time.perf_counter()
        report = RunReport(articles=list(failed))
        articles = plan_articles(documents, self.options, self.engine, report)
        for article in articles:
            look_up(article, self.table, self.memory(), self.options, self.engine, self.mt, self._warn_once)
        unique = list(dict.fromkeys(t for article in articles for t in article.texts))
        report.unique_sentences = len(unique)
        self.progress.start(len(articles), len(unique))
        try:
            waves = Waves(
                plan_waves(articles, self.options.wave_sentences), self.table, self._write, self.progress
            )
            decode_waves(
                self.table,
                self._backend,
                self.decoder,
                self.options.max_batch_tokens,
                waves.texts(),
                waves.done,
                waves.time_to,
            )
        finally:
            report.model_loaded = self.model.loaded
            report.seconds = time.perf_counter() - started
        return report

    def translate_sentences(self, sentences: Sequence[Sentence]) -> dict[str, Translated]:
        """Sentences in, translations out, no catalog: what a service answers a request with.

        The same steps as a run, on the same code: an exact translation-memory hit answers
        without the model; the rest is decoded in pooled batches with the glossary enforced
        and checked, and inline markup is put back.
        """
        table = self.table
        for s in sentences:
            table.register(s)
        msgids = list(dict.fromkeys(s.text for s in sentences if s.kind in TRANSLATABLE))
        out: dict[str, Translated] = {}
        memory = self.memory()
        needed = []
        for msgid in msgids:
            hit = memory.exact(msgid)
            if hit is not None:
                out[msgid] = Translated(hit.target, Origin.MEMORY, origin=hit.origin)
            else:
                needed.append(msgid)
        scan_terms(table, needed, self._warn_once)
        inputs = list(dict.fromkeys(m for t in needed for m in table.model_inputs(table.sentences[t])))
        if inputs:
            decode_waves(
                table, self._backend, self.decoder, self.options.max_batch_tokens, iter([inputs]), _ignore
            )
        for msgid in needed:
            work = table.sentences[msgid]
            placed = table.translation(work, self.options.atoms_in_place)
            plain = work.plain
            said = [*plain.notes(), *([SplitNote(plain.parts)] if plain.parts else [])]
            decoded = DecoderScores(plain.confidence, plain.gap)
            out[msgid] = Translated(
                placed.text,
                Origin.MT,
                unplaced=placed.unplaced,
                missing=dict(plain.missing()),
                risk=assess(msgid, placed.text, said, decoded, language=self.options.lang),
            )
        for s in sentences:
            if s.kind not in TRANSLATABLE and s.text not in out:
                text = fixed_translation(s.text, self.options.lang) or s.text
                out[s.text] = Translated(text, Origin.FIXED, risk=assess(s.text, text, [FixedNote()]))
        return out

    def _write(self, article: ArticleWork) -> None:
        write_article(article, self.table, self.options, self.engine, self.mt, self.progress)

    def _backend(self) -> Backend:
        """The model, loaded now (a sentence needs it), and what its vocabulary cannot spell."""
        backend = self.model.backend()
        self._report_spelling(backend)
        return backend

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


def _ignore(finished: list[str]) -> None:
    pass
