"""Rows of the spelling tests' TSV files and the two checks every such file's rows get: a
spelling is found once at its exact offsets, a look-alike matches nothing while its row is live."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tarjama.glossary import Glossary, Matcher, Term
from tarjama.glossary.match import Match

from .conftest import ROOT

DATA = ROOT / "tests" / "data"
PREFIX = "قال مراسلنا إن "
SUFFIX = " كان في الخبر أمس."


def rows(name: str) -> list[list[str]]:
    """A tests/data TSV file's rows, comment lines left out."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def cell(row: list[str]) -> str:
    """A test id for a row: its group and its spelling."""
    return f"{row[0]}:{row[4]}"


def assert_well_formed(
    variants: list[list[str]],
    lookalikes: list[list[str]],
    groups: tuple[str, ...],
    lookalike_groups: tuple[str, ...],
) -> None:
    """Each row has its columns and a known group, and its spelling stands once in its sentence
    (so its offsets are exact)."""
    assert all(len(r) == 6 and r[0] in groups for r in variants)
    assert all(len(r) == 7 and r[0] in lookalike_groups for r in lookalikes)
    assert all(r[5].count(r[4]) == 1 for r in variants)
    assert all(r[6].count(r[4]) == 1 for r in lookalikes)


def found_at_its_offsets(source: str, target: str, kind: str, written: str, sentence: str) -> Match:
    """The one match of a one-row glossary in ``sentence``, asserted to be ``written`` exactly."""
    m = Matcher(Glossary([Term(source, target, kind, origin="test:1")]))
    scan = m.scan(sentence)
    start = sentence.index(written)
    assert scan.ambiguous == []
    assert [(x.start, x.end, x.target) for x in scan.matches] == [(start, start + len(written), target)]
    assert scan.matches[0].surface == written
    assert m.find(sentence) == scan.matches
    return scan.matches[0]


def each_look_alike(table: list[list[str]]) -> pytest.MarkDecorator:
    """Parametrise a test over a look-alike table's rows (group, source, target, kind, written,
    why, sentence), each row's id its group and spelling."""
    return pytest.mark.parametrize(
        ("group", "source", "target", "kind", "written", "why", "sentence"),
        table,
        ids=[cell(r) for r in table],
    )


def matches_nothing(source: str, target: str, kind: str, sentence: str, why: str) -> None:
    """A one-row glossary finds nothing in ``sentence``, while it finds its own spelling."""
    m = Matcher(Glossary([Term(source, target, kind, origin="test:1")]))
    scan = m.scan(sentence)
    assert (scan.matches, scan.ambiguous) == ([], []), why
    assert [x.target for x in m.find(PREFIX + source + SUFFIX)] == [target]


def with_known_bugs(
    table: Sequence[list[str]], known: dict[tuple[str, str], str], key: Callable[[list[str]], tuple[str, str]]
) -> list[Any]:
    """The rows as test parameters, each row whose ``key`` is in ``known`` (a look-alike matched
    today) a strict xfail giving its reason: a fix shows as a failure to remove from ``known``."""
    return [
        pytest.param(*r, marks=pytest.mark.xfail(strict=True, reason=known[key(r)])) if key(r) in known else r
        for r in table
    ]
