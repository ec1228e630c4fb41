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
from tarjama.catalog.po_file import load_po, save_po
from tarjama.catalog.units import FIXED, KIND, MT, Unit
from tarjama.errors import InputError
from tarjama.files import check_writable_dir, locked
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

    def needs_mt(self) -> list[str]:
        done = reviewed_msgids(self.existing)
        return [s.text for s in self.sentences if s.kind in TRANSLATABLE and s.text not in done]


@dataclass
class ArticleResult:
    article: Path
    po_path: Path
    sentences: int
    machine_translated: int
    reviewed_kept: int
    written: bool


@dataclass
class RunOptions:
    model: str
    out_dir: Path
    lang: str = "en"
    settings: DecodeSettings = field(default_factory=DecodeSettings)


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
    from tarjama.translate.hf_backend import TransformersBackend

    return TransformersBackend(source, settings)


def settings_string(backend_name: str, settings: DecodeSettings) -> str:
    return f"backend={backend_name} beam={settings.beam}"


def build_units(job: ArticleJob, translations: dict[str, str], mt_comment: str, lang: str) -> list[Unit]:
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
        else:
            msgstr = fixed_translation(s.text, lang)
            comments.append(f"{FIXED}not machine-translated")
        units[s.text] = Unit(s.text, msgstr, [occurrence], comments, fuzzy=bool(msgstr))
    return list(units.values())


def translate_articles(
    paths: Sequence[Path],
    options: RunOptions,
    backend_factory: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
) -> list[ArticleResult]:
    jobs = prepare_jobs(paths, options.out_dir, options.lang)
    pending = list(dict.fromkeys(t for job in jobs for t in job.needs_mt()))
    translations: dict[str, str] = {}
    backend_name = "transformers"
    model_id, revision = options.model, ""
    if pending:  # a run with nothing left to translate needs no model at all
        source = resolve_model(options.model)
        backend = backend_factory(source, options.settings)
        backend_name, model_id, revision = backend.name, source.model_id, source.revision
        translations = dict(zip(pending, backend.translate(pending), strict=True))
    mt_comment = f"{MT}{model_id} @ {revision}"
    results = []
    for job in jobs:
        units = build_units(job, translations, mt_comment, options.lang)
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
        with locked(job.po_path):
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
            )
        )
    return results
