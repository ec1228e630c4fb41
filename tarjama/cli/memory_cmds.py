"""`tarjama memory import` and `tarjama export --tmx`: translation memory in and out as TMX 1.4."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tarjama.cli.options import DEFAULT_OUT

if TYPE_CHECKING:  # the command imports the catalog stage when it runs, not when the CLI loads
    from tarjama.catalog.tmx import TmxUnit


@click.group("memory")
def memory_group() -> None:
    """The translation memory: reviewed PO entries and imported TMX files under <out>/<lang>."""


@memory_group.command("import")
@click.argument("tmx_file", type=click.Path(path_type=Path))
@click.option(
    "--memory",
    "memory_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The memory folder to import into (the file goes to DIR/tmx/). Default: <out>/<lang>.",
)
@click.option(
    "--out",
    "out_dir",
    default=DEFAULT_OUT,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Root of the PO tree whose <out>/<lang> is the memory.",
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    help="Target language: the units' other side (en: en, en-US, ...).",
)
@click.option("--force", is_flag=True, help="Replace an imported file of the same name.")
def import_cmd(tmx_file: Path, memory_dir: Path | None, out_dir: Path, lang: str, force: bool) -> None:
    """Check TMX_FILE (TMX 1.4, as Trados or memoQ export it) and add its Arabic→LANG units to the memory.

    The whole file is read first: a malformed one is refused with its line and nothing is
    written. The usable units are stored as a TMX 1.4 file of their own in <memory>/tmx/
    (the desk's file is not changed); `translate` and `batch` then fill exact matches from
    them and offer fuzzy ones, like reviewed PO entries.
    """
    from tarjama.catalog.tmx import imported_path, read_tmx, write_tmx
    from tarjama.errors import InputError, TarjamaError, display_path
    from tarjama.files import check_can_write, check_not_input

    read = read_tmx(tmx_file, lang)
    if not read.units:
        raise InputError(
            f"no Arabic→{lang} translation units to import ({read.skipped_summary()})", path=tmx_file
        )
    target = imported_path(memory_dir or out_dir / lang, tmx_file)
    check_not_input(target, [("the TMX file being imported", tmx_file)], force=None)
    if target.exists() and not force:
        raise TarjamaError(
            "a memory file of this name was imported before; pass --force to replace it", path=target
        )
    check_can_write(target, force=force, what="translation memory file")
    origin = display_path(tmx_file.name)  # written into the TMX as UTF-8: a name's odd bytes escaped
    units = [u if u.origin else _with_origin(u, origin) for u in read.units]
    write_tmx(target, units, o_tmf=read.o_tmf or "unknown")
    count = len(units)
    n = read.codes_removed
    codes = f"; inline codes dropped from {n} {'unit' if n == 1 else 'units'}" if n else ""
    click.echo(
        f"{display_path(target)}: {count} {'unit' if count == 1 else 'units'} imported from "
        f"{display_path(tmx_file)}, "
        f"{read.skipped_summary()}{codes}"
    )


def _with_origin(unit: TmxUnit, origin: str) -> TmxUnit:
    from dataclasses import replace

    return replace(unit, origin=origin)


def export_tmx(catalog: Path, output: Path | None, force: bool = False, **article_options: object) -> None:
    """`tarjama export CATALOG --tmx`: the reviewed entries of CATALOG (a PO file or a folder of
    them); ``article_options`` are export's options for articles, refused when given; ``force``
    writes the output even over one of those catalogs."""
    from tarjama.catalog.status import find_catalogs
    from tarjama.catalog.tmx import NOT_EXPORTED, catalog_units, tmx_bytes
    from tarjama.errors import InputError, TarjamaError
    from tarjama.files import atomic_write_bytes, check_can_write, check_not_input

    not_applicable = ["--" + name.replace("_", "-") for name, value in article_options.items() if value]
    if not_applicable:
        raise TarjamaError(
            f"{', '.join(not_applicable)}: not with --tmx, which writes every reviewed entry and nothing else"
        )
    if output is not None:
        check_can_write(output, what="output")
    paths = find_catalogs([catalog])
    if not paths:
        raise InputError("no PO files here", path=catalog)
    if output is not None:
        check_not_input(output, [("a catalog", p) for p in paths], force)
    units, left = catalog_units(paths)
    if not units:
        raise InputError("no reviewed entries to export", path=catalog)
    data = tmx_bytes(units)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        atomic_write_bytes(output, data)
    reasons = ", ".join(f"{left[r]} {r}" for r in NOT_EXPORTED if left[r])
    click.echo(
        f"{output or catalog}: {len(units)} translation units from {len(paths)} "
        f"catalog{'' if len(paths) == 1 else 's'}" + (f"; not exported: {reasons}" if reasons else ""),
        err=True,
    )
