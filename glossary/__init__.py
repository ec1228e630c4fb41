"""Glossary: term files, Arabic matching, and enforcement of the approved English form.

Backend-independent API (what every backend and the evaluation use):

- ``load_glossaries([path, ...]) -> Glossary`` (CSV/TBX; later files override earlier ones,
  overrides in ``Glossary.conflicts``); ``load_default()`` reads the shipped ``ar-en.csv``.
- ``Matcher(glossary).find(text) -> list[Match]``: term occurrences with original offsets,
  surface form (clitics included), ``.target`` and ``.family`` (matched as a spelling of a
  name's transliteration family, :mod:`tarjama.glossary.families`).
- ``Matcher(glossary).scan(text) -> Scan``: ``.matches`` (what ``find`` returns) and
  ``.ambiguous``: ``Ambiguity(start, end, surface, clitics, terms)`` (``.targets``) for each
  span the families of several names with different targets reach equally; not matched.
- ``required_targets(matches) -> list[Required]``: a sentence's required English terms, one per
  source occurrence, in source order: a string, or a term's alternative approved forms (a
  tuple, the first forced; ``renderings(r)`` gives either as a tuple). This is what
  ``Backend.translate(..., terms=...)`` takes.
- ``check_hypothesis(required, hypothesis) -> TermCheck``: ``.missing`` / ``.duplicated``
  (target → count), ``.ok``, ``.correct``/``.total``. A repair loop (e.g. CTranslate2's
  ``target_prefix``) re-decodes until ``.ok``; the pipeline marks what stays missing.

Enforcement belongs to each backend: decoding-time for transformers in
:mod:`tarjama.translate.hf_enforce` (a LogitsProcessor), n-best pick and ``target_prefix``
repair for CTranslate2 in :mod:`tarjama.translate.ct2_repair`.
"""

from tarjama.glossary.check import (
    Required,
    TermCheck,
    check_hypothesis,
    find_forbidden,
    find_targets,
    forbidden_renderings,
    renderings,
    required_targets,
    spellings,
)
from tarjama.glossary.match import Ambiguity, Match, Matcher, Scan
from tarjama.glossary.terms import (
    Conflict,
    Glossary,
    Term,
    default_path,
    load_default,
    load_glossaries,
    load_selected,
    read_glossary_file,
    term_key,
)

__all__ = [
    "Ambiguity",
    "Conflict",
    "Glossary",
    "Match",
    "Matcher",
    "Required",
    "Scan",
    "Term",
    "TermCheck",
    "check_hypothesis",
    "default_path",
    "find_forbidden",
    "find_targets",
    "forbidden_renderings",
    "load_default",
    "load_glossaries",
    "load_selected",
    "read_glossary_file",
    "renderings",
    "required_targets",
    "spellings",
    "term_key",
]
