"""TMX 1.4 exchange: read the translation memories desks bring from Trados or memoQ, and write
a catalog's reviewed entries as TMX for them.

**Reader.** lxml's ``iterparse`` with ``resolve_entities=False, no_network=True,
load_dtd=False, huge_tree=False`` — the settings ``glossary/terms.py`` uses for TBX — not
Translate Toolkit's ``tmx`` storage: that is a test-only extra (not installed with tarjama),
its package name ``translate`` is this repository's stage folder when run from the source tree,
it builds the whole document in memory and it reports no line numbers for what is wrong
inside a well-formed file. ``iterparse`` streams (each ``<tu>`` is dropped once read, so a
desk's memory of hundreds of thousands of units never sits in memory as a tree) and every
element carries its line. Entities are never expanded from a file or the network: a DOCTYPE
that declares any (``<!ENTITY xxe SYSTEM …>``, a billion laughs) is refused before the first
unit is read, and an entity reference left in a unit's text is refused with its line.

**What is read.** ``<tmx version="1.x">`` (1.4 and 1.4b as Trados and memoQ write them;
``lang`` instead of ``xml:lang`` as 1.1–1.3 have it), its ``<header srclang=…>`` and the
``<tu>`` of its ``<body>``. A unit gives an (Arabic, target) pair when its source language
(the ``<tu srclang>``, else the header's; ``*all*`` or none: any) is Arabic and it has an
Arabic ``<tuv>`` (``ar``, ``ar-SA``, ``AR-EG``: the primary subtag, any case, ``-`` or ``_``)
and one in the catalog's language, matched the same way (``en`` takes ``en``, ``en-US``,
``en-GB``). Where a side has several ``<tuv>``, those whose whole tag is the one asked for
(the ``srclang``; the catalog's language) are preferred; if they still hold different texts,
the unit is ambiguous and skipped. Leading and trailing white space of a segment is dropped
(a sentence has none; tools that pretty-print add it).

**Inline markup** in ``<seg>``: the text of ``<hi>`` (highlighting) is kept; the codes —
``<bpt>``/``<ept>`` (paired formatting), ``<it>`` (isolated formatting), ``<ph>`` and ``<ut>``
(a placeholder for native code: a line break, a footnote mark, a field) — are dropped with
whatever they hold (``<sub>`` included), on both sides alike, and the doubled spaces a drop
leaves are made one. The pair stays coherent: what the code stood for is gone from source and
target, and a text article's sentence (plain, as tarjama's msgids are) matches it. Units that
lost codes are counted and the import says how many. An HTML article's msgid keeps its markup
(``<a href=…>``), which no TMX code is turned back into, so such sentences are not matched by
these units. Any other element in a ``<seg>`` is not TMX: the file is refused with its line.

**Refused or skipped.** What the TMX DTD does not allow is refused, the whole file, as
:class:`InputError` naming the file and the line: not XML, another root element, no
``<body>``, a ``<tu>`` outside it or with no ``<tuv>``, a ``<tuv>`` without a language or
without exactly one ``<seg>``, a foreign element in a ``<seg>``. What the DTD allows but gives
no pair is skipped, counted by reason (:data:`SKIP_REASONS`), and the file's other units are
read: a unit with a single ``<tuv>`` (``tuv+``; OmegaT skips it too), whose source language is
not Arabic, without an Arabic ``<tuv>`` or one in the catalog's language, ambiguous (above),
with an empty side, whose target copies its source (``catalog.review``), or repeating an
earlier pair (same normalised source and target).

**Writer.** :func:`write_tmx` writes TMX 1.4 atomically (``tarjama.files``), UTF-8, header
``creationtool="tarjama" srclang="ar" adminlang="en" datatype="plaintext" segtype="sentence"``,
each ``<tu>`` with its dates where known and ``<prop type="x-tarjama-origin">`` naming the
catalog (or file) it came from. :func:`catalog_units` gives a catalog's reviewed entries under
the memory's own rules (``catalog.review.vouched``: not fuzzy, not a copy of the source, no
translator's ``msgctxt`` variant; obsolete reviews too, as the memory keeps them).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from tarjama import __version__
from tarjama.catalog.memory_rules import SOURCE_LANGUAGE, memory_key, memory_kind
from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import copies_source, is_article_entry, language_of, primary_language, vouched
from tarjama.errors import InputError
from tarjama.files import atomic_write_bytes, check_regular_file

if TYPE_CHECKING:  # lxml itself is imported where a TMX is read or written, not when the catalog loads
    from lxml.etree import XMLParser, XMLSyntaxError, _Element

MEMORY_SUBDIR = "tmx"  # imported files live in <memory>/tmx/<name>.tmx
ORIGIN_PROP = "x-tarjama-origin"

# Why a unit the DTD allows gives no pair (the summaries list them in this order).
SINGLE = "a single <tuv>"
OTHER_SOURCE = "source language not Arabic"
NO_ARABIC = "no Arabic <tuv>"
NO_TARGET = "no <tuv> in the target language"
AMBIGUOUS = "several different texts in one language"
EMPTY = "empty"
COPY = "copy of the source"
DUPLICATE = "duplicate"
SKIP_REASONS = (SINGLE, OTHER_SOURCE, NO_ARABIC, NO_TARGET, AMBIGUOUS, EMPTY, COPY, DUPLICATE)

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})  # native-code placeholders, dropped
_TMX_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_DROP_SPACES = re.compile(r"[ \t]{2,}")
_LOCATION = re.compile(r",? line \d+, column \d+$")
# Characters XML 1.0 cannot carry (a PO string may hold them; a TMX cannot).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class TmxUnit:
    """One Arabic→target pair, with what TMX records about it."""

    source: str
    target: str
    target_lang: str = "en"
    origin: str = ""  # the catalog or file it came from (x-tarjama-origin)
    tuid: str | None = None
    created: str | None = None  # TMX dates: YYYYMMDDThhmmssZ
    changed: str | None = None
    creation_id: str | None = None
    change_id: str | None = None
    notes: tuple[str, ...] = ()


@dataclass
class TmxRead:
    """What a TMX file gives for one target language."""

    path: Path
    units: list[TmxUnit] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> units
    codes_removed: int = 0  # usable units whose inline codes were dropped
    o_tmf: str | None = None  # the header's original memory format

    def skipped_summary(self) -> str:
        total = sum(self.skipped.values())
        return f"{total} skipped ({skip_reasons(self.skipped)})" if total else "0 skipped"


def skip_reasons(skipped: Counter[str]) -> str:
    """``1 a single <tuv>, 2 empty``: units skipped by reason, in :data:`SKIP_REASONS` order."""
    return ", ".join(f"{skipped[r]} {r}" for r in SKIP_REASONS if skipped[r])


def _same_tag(a: str, b: str) -> bool:
    return a.strip().replace("_", "-").lower() == b.strip().replace("_", "-").lower()


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- reading -------------------------------------------------------------------------------


def read_tmx(path: Path, lang: str = "en") -> TmxRead:
    """The (Arabic, ``lang``) pairs of a TMX file; malformed input raises one-line InputError."""
    from lxml import etree

    path = Path(path)
    if path.is_dir():
        raise InputError("is a directory, not a TMX file", path=path)
    if not path.exists():
        raise InputError("no such file", path=path)
    check_regular_file(path, "TMX file")
    try:
        _check_prolog(path)
    except OSError as exc:  # an unreadable file beside good ones: one line, as a parse error is
        raise InputError(f"cannot read TMX file ({exc.strerror or exc})", path=path) from None
    result = TmxRead(path)
    seen: set[tuple[str, str]] = set()
    header_srclang: str | None = None
    root_line = 1
    depth = 0
    body = None
    try:
        events = etree.iterparse(
            str(path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        for event, el in events:
            name = _local(el.tag)
            if event == "start":
                depth += 1
                if depth == 1:
                    root_line = el.sourceline or 1
                    _check_root(el, name, path)
                elif depth == 2 and name == "header":
                    header_srclang = el.get("srclang")
                    result.o_tmf = el.get("o-tmf")
                elif depth == 2 and name == "body" and body is None:
                    body = el
                continue
            depth -= 1
            if name != "tu":
                continue
            if body is None or el.getparent() is not body:
                raise InputError(f"line {el.sourceline}: <tu> outside <body>", path=path)
            _take(el, header_srclang, lang, path, result, seen)
            el.clear(keep_tail=True)  # the unit is read: free it, and the ones before it
            while el.getprevious() is not None:
                del body[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(_syntax_problem(exc, path), path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read TMX file ({exc.strerror or exc})", path=path) from None
    if body is None:
        raise InputError(f"line {root_line}: <tmx> has no <body>: not a TMX file", path=path)
    return result


_ENTITY = re.compile(r"<!ENTITY\s+(?:%\s*)?([^\s>]+)")
_ROOT = re.compile(r"<(?![!?])")


def _check_prolog(path: Path) -> None:
    """Entities declared before the root are refused before the parser sees them: libxml2 versions
    differ in when (and with which line) they stop an entity bomb, the refusal must not."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    text = (
        head.decode("utf-16")
        if head.startswith((b"\xff\xfe", b"\xfe\xff"))
        else head.decode("utf-8", "replace")
    )
    root = None
    for m in _ROOT.finditer(text):
        if not _inside_doctype(text, m.start()):
            root = m.start()
            break
    prolog = text if root is None else text[:root]
    names = _ENTITY.findall(prolog)
    if names:
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        line = prolog.count("\n") + 1
        raise InputError(
            f"line {line}: the DOCTYPE before <tmx> declares entities ({shown}); a TMX file "
            "must not (they can read other files or expand without end)",
            path=path,
        )


def _inside_doctype(text: str, pos: int) -> bool:
    start = text.rfind("<!DOCTYPE", 0, pos)
    return start != -1 and text.find("]>", start, pos) == -1 and "[" in text[start:pos]


def _check_root(el: _Element, name: str, path: Path) -> None:
    if name != "tmx":
        raise InputError(
            f"line {el.sourceline}: the root element is <{name}>, not <tmx>: not a TMX file", path=path
        )
    dtd = el.getroottree().docinfo.internalDTD
    entities = list(dtd.iterentities()) if dtd is not None else []
    if entities:
        shown = ", ".join(str(e.name) for e in entities[:3]) + (", ..." if len(entities) > 3 else "")
        raise InputError(
            f"line {el.sourceline}: the DOCTYPE before <tmx> declares entities ({shown}); a TMX file "
            "must not (they can read other files or expand without end)",
            path=path,
        )
    version = (el.get("version") or "").strip()
    if version and not version.startswith("1."):
        raise InputError(
            f"line {el.sourceline}: TMX version {version} is not supported (1.1 to 1.4b)", path=path
        )


def _syntax_problem(exc: XMLSyntaxError, path: Path) -> str:
    """``line N: bad XML (what)``; iterparse loses the line of some errors, a plain parse has it."""
    from lxml import etree

    if not path.stat().st_size:
        return "line 1: the file is empty: not a TMX file"
    line, message = exc.lineno, str(exc.msg if getattr(exc, "msg", None) else exc)
    if not line:
        try:
            etree.fromstring(path.read_bytes(), _parser())
        except etree.XMLSyntaxError as again:
            line, message = again.lineno, str(again.msg or again)
        except (OSError, ValueError):
            pass
    return f"line {line or 1}: bad XML ({_LOCATION.sub('', message).strip()})"


def _parser() -> XMLParser:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _take(
    tu: _Element,
    header_srclang: str | None,
    lang: str,
    path: Path,
    result: TmxRead,
    seen: set[tuple[str, str]],
) -> None:
    """Check one ``<tu>`` and add its pair, or count why it gives none."""
    from lxml import etree

    for entity in tu.iter(etree.Entity):
        raise InputError(
            f"line {entity.sourceline}: entity reference {entity.text} is not allowed in a TMX file; "
            "write the text itself",
            path=path,
        )
    tuvs = [child for child in tu if _local(child.tag) == "tuv"]
    if not tuvs:
        raise InputError(f"line {tu.sourceline}: <tu> has no <tuv>; TMX requires at least one", path=path)
    variants: list[tuple[str, str, bool]] = []  # (language tag, text, codes dropped)
    for tuv in tuvs:
        tag = tuv.get(_XML_LANG) or tuv.get("lang")
        if not tag or not tag.strip():
            raise InputError(f"line {tuv.sourceline}: <tuv> has no xml:lang", path=path)
        segs = [child for child in tuv if _local(child.tag) == "seg"]
        if len(segs) != 1:
            what = "no <seg>" if not segs else f"{len(segs)} <seg>"
            raise InputError(f"line {tuv.sourceline}: <tuv> has {what}", path=path)
        text, dropped = _seg_text(segs[0], path)
        variants.append((tag.strip(), text, dropped))
    srclang = (tu.get("srclang") or header_srclang or "").strip()
    reason, source, target = _pair(variants, srclang, lang)
    if reason:
        result.skipped[reason] += 1
        return
    key = memory_key(source[1])
    if not key or not target[1]:
        result.skipped[EMPTY] += 1
        return
    if copies_source(source[1], target[1], lang):
        result.skipped[COPY] += 1
        return
    if (key, target[1]) in seen:
        result.skipped[DUPLICATE] += 1
        return
    seen.add((key, target[1]))
    result.codes_removed += source[2] or target[2]
    props = {p.get("type"): "".join(p.itertext()).strip() for p in tu if _local(p.tag) == "prop"}
    result.units.append(
        TmxUnit(
            source=source[1],
            target=target[1],
            target_lang=target[0],
            origin=props.get(ORIGIN_PROP) or "",
            tuid=tu.get("tuid"),
            created=_date(tu.get("creationdate")),
            changed=_date(tu.get("changedate")),
            creation_id=tu.get("creationid"),
            change_id=tu.get("changeid"),
            notes=tuple(
                text for n in tu if _local(n.tag) == "note" and (text := "".join(n.itertext()).strip())
            ),
        )
    )


Variant = tuple[str, str, bool]  # a <tuv>: language tag, text, whether codes were dropped


def _pair(variants: list[Variant], srclang: str, lang: str) -> tuple[str | None, Variant, Variant]:
    """The unit's (Arabic, ``lang``) variants, or why it has no such pair."""
    none = ("", "", False)
    if len(variants) == 1:
        return SINGLE, none, none
    if srclang and srclang.lower() != "*all*" and primary_language(srclang) != SOURCE_LANGUAGE:
        return OTHER_SOURCE, none, none
    sources = [v for v in variants if primary_language(v[0]) == SOURCE_LANGUAGE]
    if not sources:
        return NO_ARABIC, none, none
    targets = [v for v in variants if primary_language(v[0]) == primary_language(lang) and v not in sources]
    if not targets:
        return NO_TARGET, none, none
    source, target = _one(sources, srclang), _one(targets, lang)
    if source is None or target is None:
        return AMBIGUOUS, none, none
    return None, source, target


def _one(variants: list[Variant], tag: str) -> Variant | None:
    """The variant for ``tag``: those with the whole tag first, else all; None if they differ."""
    exact = [v for v in variants if tag and _same_tag(v[0], tag)] or variants
    return exact[0] if len({v[1] for v in exact}) == 1 else None


def _seg_text(seg: _Element, path: Path) -> tuple[str, bool]:
    """A ``<seg>``'s text (``<hi>`` kept, codes dropped) and whether any code was dropped."""
    parts = [seg.text or ""]
    dropped = False
    for child in seg:
        dropped |= _inline(child, parts, path)
        parts.append(child.tail or "")
    text = "".join(parts)
    if dropped:
        text = _DROP_SPACES.sub(" ", text)
    return text.strip(), dropped


def _inline(el: _Element, parts: list[str], path: Path) -> bool:
    name = _local(el.tag)
    if name in _CODES:
        return True
    if name != "hi":
        raise InputError(
            f"line {el.sourceline}: <{name}> in a <seg> is not TMX inline markup (bpt, ept, it, ph, hi, ut)",
            path=path,
        )
    parts.append(el.text or "")
    dropped = False
    for child in el:
        dropped |= _inline(child, parts, path)
        parts.append(child.tail or "")
    return dropped


def _date(value: str | None) -> str | None:
    return value if value and _TMX_DATE.match(value.strip()) else None


# --- writing -------------------------------------------------------------------------------


def xml_safe(text: str) -> bool:
    """Whether XML 1.0 can carry ``text`` (no control characters but tab and line breaks)."""
    return not _NOT_XML.search(text)


def tmx_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def tmx_bytes(units: Iterable[TmxUnit], *, o_tmf: str = "PO", now: datetime | None = None) -> bytes:
    """A TMX 1.4 document holding ``units`` (UTF-8, with the DOCTYPE the standard gives)."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        {
            "creationtool": "tarjama",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": SOURCE_LANGUAGE,
            "o-tmf": o_tmf,
            "creationdate": tmx_date(now or datetime.now(UTC)),
        },
    )
    body = etree.SubElement(root, "body")
    for unit in units:
        attrs = {
            "tuid": unit.tuid,
            "creationdate": unit.created,
            "creationid": unit.creation_id,
            "changedate": unit.changed,
            "changeid": unit.change_id,
        }
        tu = etree.SubElement(body, "tu", {k: v for k, v in attrs.items() if v})
        for note in unit.notes:
            etree.SubElement(tu, "note").text = note
        if unit.origin:
            etree.SubElement(tu, "prop", type=ORIGIN_PROP).text = unit.origin
        for tag, text in ((SOURCE_LANGUAGE, unit.source), (unit.target_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv", {_XML_LANG: tag})
            etree.SubElement(tuv, "seg").text = text
    tree = etree.tostring(
        etree.ElementTree(root),
        encoding="UTF-8",
        pretty_print=True,
        doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
    )
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tree


def write_tmx(path: Path, units: Iterable[TmxUnit], *, o_tmf: str = "PO") -> None:
    """Write ``units`` as TMX 1.4 at ``path`` atomically (readers see the old file or the new one)."""
    atomic_write_bytes(Path(path), tmx_bytes(units, o_tmf=o_tmf))


def imported_path(memory_dir: Path, tmx_file: Path) -> Path:
    """Where ``memory import`` keeps ``tmx_file``: ``<memory>/tmx/<name>.tmx``, a name the memory
    reads (``catalog.memory_rules.memory_kind``): a leading ``.`` is dropped (``.desk.tmx`` → ``desk.tmx``)."""
    name = tmx_file.name
    stem = name[: -len(".tmx")] if name.lower().endswith(".tmx") else name
    stored = f"{stem}.tmx"
    if memory_kind(stored) != "tmx":  # hidden: the memory would never read it
        stored = f"{stem.lstrip('.') or 'imported'}.tmx"
    return memory_dir / MEMORY_SUBDIR / stored


# --- catalogs to units ---------------------------------------------------------------------

# Why an entry of a catalog is not exported (the export's summary lists them in this order).
NOT_EXPORTED = ("fuzzy", "copy of the source", "untranslated", "msgctxt variant", "not XML text", "duplicate")


def catalog_units(paths: Sequence[Path]) -> tuple[list[TmxUnit], Counter[str]]:
    """The reviewed entries of the catalogs at ``paths`` as units, and why the others are not."""
    units: list[TmxUnit] = []
    left: Counter[str] = Counter()
    seen: set[tuple[str, str, str]] = set()
    for path in paths:
        po = load_po(path)
        language = language_of(po)
        if not language or not language.strip():
            raise InputError("the catalog has no Language header: its target language is unknown", path=path)
        changed = _revision_date(po)
        for entry in po:
            reason = _why_not(entry, language)
            if reason is None:
                key = (memory_key(entry.msgid), entry.msgstr, primary_language(language))
                reason = "duplicate" if key in seen else None
                seen.add(key)
            if reason is not None:
                left[reason] += 1
                continue
            units.append(
                TmxUnit(
                    entry.msgid, entry.msgstr, language.strip().replace("_", "-"), str(path), changed=changed
                )
            )
    return units, left


def _why_not(entry: polib.POEntry, language: str) -> str | None:
    if not is_article_entry(entry):
        return "msgctxt variant"
    if vouched(entry, language):
        return None if xml_safe(entry.msgid) and xml_safe(entry.msgstr) else "not XML text"
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if entry.msgstr.strip():
        return "copy of the source"
    return "untranslated"


def _revision_date(po: polib.POFile) -> str | None:
    """The catalog's PO-Revision-Date as a TMX date (when its entries last changed), if it is one."""
    value = (po.metadata.get("PO-Revision-Date") or "").strip()
    try:
        return tmx_date(datetime.strptime(value, "%Y-%m-%d %H:%M%z"))
    except ValueError:
        return None
