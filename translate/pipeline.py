"""Article files in, PO catalogs out: read → segment → translate (pooled, once) → merge → write.

Everything that can fail on bad input (reading, decoding, an existing broken PO, an
unwritable output directory, a missing model) fails before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from tarjama.catalog.build import CatalogHeader, merge_units, reviewed_msgids
from tarjama.catalog.memory import DEFAULT_THRESHOLD, TranslationMemory, load_memory
from tarjama.catalog.po_file import load_po, save_po
from tarjama.catalog.suggest import Offer, apply_offers, offers_for
from tarjama.catalog.units import FIXED, GLOSSARY, GLOSSARY_MISSING, KIND, MT, Unit
from tarjama.errors import InputError
from tarjama.files import check_writable_dir, locked
from tarjama.glossary import Glossary, Match, Matcher, check_hypothesis, load_glossaries, required_targets
from tarjama.glossary.terms import default_path
from tarjama.translate.article import Article, read_article
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.fixed_lines import fixed_translation
from tarjama.translate.model_source import ModelSource, resolve_model
from tarjama.translate.segment import TRANSLATABLE, Kind, Sentence, segment

SOURCE_LANGUAGE = "ar"


@dataclass
class ArticleJob:
    article: Article
    sentences: list[Sentence]
    po_path: Path
    existing: polib.POFile | None
    offers: dict[str, Offer] = field(default_factory=dict)  # filled from reviewed work, not the model

    def needs_mt(self) -> list[str]:
        done = reviewed_msgids(self.existing) | set(self.offers)
        return [s.text for s in self.sentences if s.kind in TRANSLATABLE and s.text not in done]


@dataclass
class ArticleResult:
    article: Path
    po_path: Path
    sentences: int
    machine_translated: int
    reviewed_kept: int
    written: bool
    terms_required: int = 0  # glossary term occurrences in sentences machine-translated this run
    terms_correct: int = 0


@dataclass
class RunOptions:
    model: str
    out_dir: Path
    lang: str = "en"
    settings: DecodeSettings = field(default_factory=DecodeSettings)
    glossaries: Sequence[Path] | None = None  # None: the shipped default; () with use_glossary=False: none
    use_glossary: bool = True
    memory_dir: Path | None = None  # translation memory root; None: <out>/<lang>
    use_memory: bool = True
    fuzzy_threshold: float = DEFAULT_THRESHOLD
    retranslate_changed: bool = False  # MT over changed sentences instead of offering their old review
    lock_timeout: float = 30.0


def load_run_glossary(
    options: RunOptions, on_warning: Callable[[str], None] = lambda message: None
) -> Glossary | None:
    """The glossary for this run: --glossary files in order (later wins), else the shipped default.

    Overrides between files are reported once, here, through ``on_warning``.
    """
    if not options.use_glossary:
        return None
    glossary = load_glossaries(list(options.glossaries) if options.glossaries else [default_path()])
    for conflict in glossary.conflicts:
        on_warning(str(conflict))
    return glossary


@dataclass
class TermReport:
    """Per msgid: the glossary matches and, once translated, what the post-check found missing."""

    matches: dict[str, list[Match]] = field(default_factory=dict)
    missing: dict[str, dict[str, int]] = field(default_factory=dict)

    def comments(self, msgid: str) -> list[str]:
        shown = []
        for m in self.matches.get(msgid, ()):
            # the term as written, without attached clitics (those change the letters: ل + ال → لل)
            text = m.surface if not m.clitics else m.term.source
            shown.append(f"{GLOSSARY}{text} → {m.target}")
        marks = [
            f"{GLOSSARY_MISSING}{t!r}" + (f" x{n}" if n > 1 else "")
            for t, n in self.missing.get(msgid, {}).items()
        ]
        return [*dict.fromkeys(shown), *marks]


def translate_with_terms(backend: Backend, texts: list[str], report: TermReport) -> list[str]:
    """Translate with each sentence's required terms, then post-check every output."""
    import inspect

    required = [required_targets(report.matches.get(t, ())) for t in texts]
    takes_terms = "terms" in inspect.signature(backend.translate).parameters
    outputs = (
        backend.translate(texts, terms=required)
        if any(required) and takes_terms
        else backend.translate(texts)
    )
    for text, need, out in zip(texts, required, outputs, strict=True):
        if need:
            missing = check_hypothesis(need, out).missing
            if missing:
                report.missing[text] = missing
    return outputs


def po_path_for(out_dir: Path, lang: str, article: Article) -> Path:
    return out_dir / lang / "LC_MESSAGES" / f"{article.stem}.po"


def prepare_jobs(paths: Sequence[Path], out_dir: Path, lang: str) -> list[ArticleJob]:
    """Read, check and segment every article, and parse any PO it already has."""
    articles = [read_article(path) for path in paths]
    check_writable_dir(out_dir)
    jobs: list[ArticleJob] = []
    targets: dict[Path, Path] = {}
    for path, article in zip(paths, articles, strict=True):
        po_path = po_path_for(out_dir, lang, article)
        if po_path in targets:
            raise InputError(
                f"writes the same catalog as {targets[po_path]} ({po_path}); rename one", path=path
            )
        targets[po_path] = path
        existing = load_po(po_path) if po_path.exists() else None
        jobs.append(ArticleJob(article, segment(article.text), po_path, existing))
    return jobs


def open_backend(source: ModelSource, settings: DecodeSettings) -> Backend:
    from tarjama.translate.backends import open_backend as by_name

    return by_name(source, settings)


def settings_string(backend_name: str, settings: DecodeSettings) -> str:
    from tarjama.translate.backends import effective_compute_type

    return f"backend={backend_name} beam={settings.beam} compute={effective_compute_type(settings)}"


def build_units(
    job: ArticleJob,
    translations: dict[str, str],
    mt_comment: str,
    lang: str,
    terms: TermReport | None = None,
) -> list[Unit]:
    occurrence_file = job.article.path.as_posix()
    units: dict[str, Unit] = {}
    for s in job.sentences:
        occurrence = (occurrence_file, str(s.line))
        if s.text in units:
            units[s.text].occurrences.append(occurrence)
            continue
        comments = [] if s.kind == Kind.BODY else [f"{KIND}{s.kind}"]
        if s.kind in TRANSLATABLE:
            msgstr = translations.get(s.text, "")
            if msgstr:
                comments.append(mt_comment)
            if terms is not None:
                comments += terms.comments(s.text)
        else:
            msgstr = fixed_translation(s.text, lang)
            comments.append(f"{FIXED}not machine-translated")
        units[s.text] = Unit(s.text, msgstr, [occurrence], comments, fuzzy=bool(msgstr))
    return list(units.values())


def attach_offers(jobs: list[ArticleJob], options: RunOptions, on_warning: Callable[[str], None]) -> None:
    """Look every sentence up in the reviewed work (this catalog, then the memory) before any MT."""
    memory = TranslationMemory()
    if options.use_memory:
        memory = load_memory(options.memory_dir or options.out_dir / options.lang)
        for problem in memory.skipped:
            on_warning(f"translation memory skips {problem}")
    for job in jobs:
        texts = [s.text for s in job.sentences if s.kind in TRANSLATABLE]
        job.offers = offers_for(
            job.existing,
            texts,
            memory,
            origin=str(job.po_path),
            threshold=options.fuzzy_threshold,
            retranslate_changed=options.retranslate_changed,
        )


def translate_articles(
    paths: Sequence[Path],
    options: RunOptions,
    backend_factory: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
    on_warning: Callable[[str], None] = lambda message: None,
) -> list[ArticleResult]:
    jobs = prepare_jobs(paths, options.out_dir, options.lang)
    attach_offers(jobs, options, on_warning)
    glossary = load_run_glossary(options, on_warning)  # a bad glossary fails here, before any model or write
    terms = TermReport()
    if glossary is not None:
        matcher = Matcher(glossary)
        for job in jobs:
            for s in job.sentences:
                if s.kind in TRANSLATABLE and s.text not in terms.matches:
                    terms.matches[s.text] = matcher.find(s.text)
    pending = list(dict.fromkeys(t for job in jobs for t in job.needs_mt()))
    translations: dict[str, str] = {}
    backend_name = options.settings.backend
    model_id, revision = options.model, ""
    if pending:  # a run with nothing left to translate needs no model at all
        source = resolve_model(options.model)
        backend = backend_factory(source, options.settings)
        backend_name, model_id, revision = backend.name, source.model_id, source.revision
        translations = dict(zip(pending, translate_with_terms(backend, pending, terms), strict=True))
    mt_comment = f"{MT}{model_id} @ {revision}"
    results = []
    for job in jobs:
        units = apply_offers(build_units(job, translations, mt_comment, options.lang, terms), job.offers)
        header = CatalogHeader(
            project=job.article.stem,
            language=options.lang,
            source_language=SOURCE_LANGUAGE,
            model_id=model_id,
            model_revision=revision,
            source_file=job.article.path.name,
            source_sha256=job.article.sha256,
            settings=settings_string(backend_name, options.settings),
        )
        with locked(job.po_path, options.lock_timeout):
            current = load_po(job.po_path) if job.po_path.exists() else None
            written = save_po(merge_units(current, units, header), job.po_path)
        results.append(
            ArticleResult(
                article=job.article.path,
                po_path=job.po_path,
                sentences=len(job.sentences),
                machine_translated=sum(1 for u in units if mt_comment in u.comments),
                reviewed_kept=len(reviewed_msgids(current) & {u.msgid for u in units}),
                written=written,
                **_term_counts(job, translations, terms),
            )
        )
    return results


def _term_counts(job: ArticleJob, translations: dict[str, str], terms: TermReport) -> dict[str, int]:
    """Term accuracy (tarjama.evaluation.term_accuracy) over this article's sentences translated now."""
    from tarjama.evaluation.term_accuracy import accuracy_of

    texts = list(dict.fromkeys(s.text for s in job.sentences if s.text in translations))
    acc = accuracy_of(
        [required_targets(terms.matches.get(t, ())) for t in texts], [translations[t] for t in texts]
    )
    return {"terms_required": acc.total, "terms_correct": acc.correct}
