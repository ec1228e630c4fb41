"""A real headless browser for page tests: Debian's Chromium driven by Playwright.

Tests of HTML input and output need more than a parser's opinion of a page: whether it
loads without script errors, which direction the browser gives each block, and whether
the screenshot really shows English laid out left to right. `Harness.render` answers the
first two from the browser; `ink_alignment` answers the last from the screenshot's pixels
alone, so a wrong ``dir`` that CSS or the DOM would hide still shows.

Playwright never downloads a browser here: it starts the system's ``/usr/bin/chromium``
(``apt-get install chromium``; ``.ci/run`` installs it), else a Chromium that
``python -m playwright install chromium`` put in Playwright's own folder (`find_chromium`).
Where there is none, the page tests are skipped with the reason, except in CI, where that
skip is a failure (``tests/conftest.py``), so CI cannot pass without running these checks.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

import numpy as np
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Route, sync_playwright

# Debian's Chromium; TARJAMA_TEST_CHROMIUM names another (tests/test_lanes.py names none there).
CHROMIUM = Path(os.environ.get("TARJAMA_TEST_CHROMIUM") or "/usr/bin/chromium")


def find_chromium() -> tuple[Path | None, str]:
    """The Chromium to drive: Debian's, else Playwright's own; or None and why there is none."""
    if CHROMIUM.exists():
        return CHROMIUM, ""
    try:
        with sync_playwright() as playwright:
            bundled = Path(playwright.chromium.executable_path)
    except Exception as exc:  # no driver for this platform, a broken install
        return None, f"{CHROMIUM} not found, and Playwright cannot say where its own is ({exc})"
    if bundled.exists():
        return bundled, ""
    return None, (
        f"neither {CHROMIUM} nor Playwright's {bundled} is installed "
        "(apt-get install chromium, or python -m playwright install chromium)"
    )


# --headless comes from Playwright itself. The rest keep Chromium off the network (on a
# closed network its background connections are refused and slow the start), off the GPU
# (none on CI machines) and out of any profile state. The user-data-dir is Playwright's: a
# fresh empty one per launch (it refuses a --user-data-dir argument), removed on close.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The elements whose text a translation replaces: what a test checks block by block.
BLOCK_SELECTOR = "p, h1, h2, h3, h4, h5, h6, li, td, th, figcaption, blockquote, dt, dd"

# Chromium repeats every failed resource load as a console error; those are reported once,
# as failed requests, so that a test can allow a missing image without allowing script errors.
_LOAD_FAILURE_PREFIX = "Failed to load resource:"

_BLOCKS_JS = """
(selector) => {
  // Line boxes: the text's fragments grouped by height (one starting more than half a
  // fragment below the line's top starts a new line), from text nodes only, so that a child
  // block's border box does not cover several lines at once. Each line: where its text starts
  // and ends, as distances from the content box's left and right edges (padding and border off).
  const lineExtents = (e) => {
    const rects = [];
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      if (n.data.trim() === "") continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) rects.push(r);
    }
    rects.sort((a, b) => a.top - b.top);
    const box = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    const px = (v) => parseFloat(v) || 0;
    const contentLeft = box.left + px(style.borderLeftWidth) + px(style.paddingLeft);
    const contentRight = box.right - px(style.borderRightWidth) - px(style.paddingRight);
    const lines = [];
    let top = -Infinity;
    let height = 0;
    for (const r of rects) {
      if (r.top >= top + height / 2) {
        lines.push([r.left, r.right]);
        top = r.top;
        height = r.height;
      } else {
        const line = lines[lines.length - 1];
        line[0] = Math.min(line[0], r.left);
        line[1] = Math.max(line[1], r.right);
      }
    }
    return lines.map(([left, right]) => [left - contentLeft, contentRight - right]);
  };
  return Array.from(document.querySelectorAll(selector))
    .filter((e) => e.innerText.trim() !== "" && e.checkVisibility({visibilityProperty: true}))
    .map((e) => {
      const r = e.getBoundingClientRect();
      const scope = e.closest("[lang]");
      const style = getComputedStyle(e);
      const extents = lineExtents(e);
      return {
        tag: e.localName,
        text: e.innerText,
        direction: style.direction,
        textAlign: style.textAlign,
        lang: scope === null ? "" : scope.getAttribute("lang"),
        box: [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height],
        lines: extents.length,
        extents: extents,
      };
    });
}
"""


@dataclass(frozen=True)
class Box:
    """A rectangle in page pixels (CSS pixels; screenshots are taken at scale 1, so also image pixels)."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Block:
    """One text block as the browser laid it out."""

    tag: str
    text: str  # innerText: what a reader sees, line breaks from <br> included
    direction: str  # computed CSS direction: 'ltr' or 'rtl'
    lang: str  # the lang attribute it inherits ('' when no ancestor has one)
    box: Box
    lines: int  # line boxes the browser laid its text out in (for `ink_alignment`)
    text_align: str = ""  # computed CSS text-align: 'start', 'left', 'center', 'justify', ...
    # each line's text: how far it starts from the content box's left edge and ends short of
    # its right edge, in CSS pixels (for `layout_alignment`)
    extents: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Rendered:
    """What loading one page produced."""

    screenshot: Path
    blocks: list[Block]
    console_errors: list[str] = field(default_factory=list)  # console messages of type 'error'
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions
    failed_requests: list[str] = field(default_factory=list)  # 'URL: reason', network blocked included

    @property
    def errors(self) -> list[str]:
        """Script problems only; a page can be clean of these and still miss an image."""
        return self.console_errors + self.page_errors


@dataclass
class Opened:
    """A page a test drives (`Harness.open`) and what it asked for and reported meanwhile."""

    page: Page
    requests: list[str] = field(default_factory=list)  # every URL requested, the page's own included
    # console errors (a CSP violation is one) and uncaught exceptions
    errors: list[str] = field(default_factory=list)


class Harness:
    """One Chromium for many pages (starting it costs about a second; a page about 0.1 s).

    Use as a context manager, or `start()` and `close()`. Each `render` gets a fresh
    browser context, so pages share no cookies, storage or cache.
    """

    def __init__(self, executable: Path = CHROMIUM) -> None:
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def start(self) -> Harness:
        if not self.executable.exists():
            raise RuntimeError(
                f"{self.executable} not found: install Debian's chromium (apt-get install chromium)"
            )
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.executable),
                args=CHROMIUM_ARGS,
                headless=True,
            )
        except Exception:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None

    def __enter__(self) -> Harness:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def render(self, page_path: Path, out_png: Path, width: int = 1000) -> Rendered:
        """Load ``page_path`` (a file:// URL) at ``width`` CSS pixels, screenshot the whole page
        to ``out_png`` and report its text blocks and everything that went wrong.

        Only file: and data: requests are served; any other (http, https, ...) is aborted and
        reported as a failed request, so a page cannot reach or wait on the network.
        """
        if self._browser is None:
            raise RuntimeError("Harness not started")
        console_errors: list[str] = []
        page_errors: list[str] = []
        failed: list[str] = []

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error" and not msg.text.startswith(_LOAD_FAILURE_PREFIX):
                console_errors.append(msg.text)

        def on_failed(request: Request) -> None:
            failed.append(f"{request.url}: {request.failure or 'failed'}")

        def only_local(route: Route) -> None:
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                route.abort("blockedbyclient")

        context = self._browser.new_context(
            viewport={"width": width, "height": 800}, device_scale_factor=1, java_script_enabled=True
        )
        try:
            context.route("**/*", only_local)
            page = context.new_page()
            page.on("console", on_console)
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))
            page.on("requestfailed", on_failed)
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            # Layout is final only once web fonts (and fallbacks) are in.
            page.evaluate("document.fonts.ready.then(() => true)")
            raw = page.evaluate(_BLOCKS_JS, BLOCK_SELECTOR)
            out_png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out_png), full_page=True, animations="disabled")
        finally:
            context.close()
        blocks = [
            Block(
                b["tag"],
                b["text"],
                b["direction"],
                b["lang"],
                Box(*b["box"]),
                b["lines"],
                b["textAlign"],
                tuple((left, right) for left, right in b["extents"]),
            )
            for b in raw
        ]
        return Rendered(out_png, blocks, console_errors, page_errors, failed)

    def evaluate(self, page_path: Path, script: str, arg: object = None) -> object:
        """Load ``page_path`` (file: and data: requests only, as `render`) and return what the
        JavaScript function ``script`` returns for ``arg``: the browser's own DOM, asked directly."""
        if self._browser is None:
            raise RuntimeError("Harness not started")
        context = self._browser.new_context(java_script_enabled=True)
        try:
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else route.abort("blockedbyclient")
                ),
            )
            page = context.new_page()
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            return page.evaluate(script, arg)
        finally:
            context.close()

    @contextmanager
    def open(self, page_path: Path, width: int = 1280, height: int = 800) -> Iterator[Opened]:
        """Open ``page_path`` at ``width`` CSS pixels for a test to drive (select, click, evaluate).

        Every request is routed and recorded; only the page's own file is served, anything else
        (another file, http, data:) is aborted, so a test can assert the page asked for nothing.
        """
        if self._browser is None:
            raise RuntimeError("Harness not started")
        url = Path(page_path).resolve().as_uri()
        context = self._browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1, java_script_enabled=True
        )
        try:
            page = context.new_page()
            opened = Opened(page)

            def route(r: Route) -> None:
                opened.requests.append(r.request.url)
                if r.request.url == url:
                    r.continue_()
                else:
                    r.abort("blockedbyclient")

            context.route("**/*", route)
            page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
            page.goto(url, wait_until="load")
            yield opened
        finally:
            context.close()


def render(page_path: Path, out_png: Path, width: int = 1000) -> Rendered:
    """`Harness.render` with a browser of its own: for one page. Tests share one `Harness`."""
    with Harness() as harness:
        return harness.render(page_path, out_png, width)


Alignment = Literal["ltr", "rtl", "unclear"]


@functools.lru_cache(maxsize=4)
def _pixels(png: Path, mtime_ns: int) -> np.ndarray:
    """A screenshot decoded once for all its blocks (``mtime_ns``: a rewritten file is read again)."""
    with Image.open(png) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


def _ink_lines(png: Path, box: Box, lines: int | None = None) -> tuple[int, list[tuple[int, int]]]:
    """The crop's width and each text line's leftmost and rightmost ink column, top to bottom.

    Ink is any pixel far from the crop's commonest colour (its background, whatever it is);
    anti-aliased fringes fall below the threshold. Rows and columns that are ink almost
    everywhere are borders or rules, not text, and are dropped.
    """
    rgb = _pixels(png, png.stat().st_mtime_ns)
    height, width = rgb.shape[:2]
    left, top = max(0, round(box.x)), max(0, round(box.y))
    right, bottom = min(width, round(box.x + box.width)), min(height, round(box.y + box.height))
    if right - left < 2 or bottom - top < 2:
        return max(0, right - left), []
    crop = rgb[top:bottom, left:right].reshape(-1, 3)
    packed = (crop[:, 0].astype(np.int32) << 16) | (crop[:, 1].astype(np.int32) << 8) | crop[:, 2]
    colours, counts = np.unique(packed, return_counts=True)
    commonest = int(colours[counts.argmax()])
    background = np.array([commonest >> 16, (commonest >> 8) & 255, commonest & 255], dtype=np.int16)
    h, w = bottom - top, right - left
    ink = (np.abs(crop - background).max(axis=1) > 64).reshape(h, w)

    ink[ink.sum(axis=1) > 0.9 * w, :] = False  # horizontal rules, cell borders
    text_rows = max(1, int(ink.any(axis=1).sum()))
    ink[:, ink.sum(axis=0) > 0.9 * text_rows] = False  # vertical rules, a blockquote's bar

    # Lines of text: runs of rows with ink. Where lines nearly touch (Arabic dots and descenders
    # at a normal line height) the rows between them hold a pixel or two: those end a run too.
    row_ink = ink.sum(axis=1)
    bands: list[list[int]] = []  # [first row, last row + 1]
    for y in np.flatnonzero(row_ink > 2):
        if bands and bands[-1][1] == y:
            bands[-1][1] = y + 1
        else:
            bands.append([int(y), int(y) + 1])
    if not bands:
        return w, []
    # Runs much thinner than a line are parts of one (dots, accents, an underline, the top of
    # an 'l' above a near-empty row): each joins the nearer of its neighbours, until every run
    # is a line and there are no more runs than the browser laid out lines.
    typical = float(np.median([b - a for a, b in bands]))
    while len(bands) > 1:
        i = min(range(len(bands)), key=lambda k: bands[k][1] - bands[k][0])
        thin = bands[i][1] - bands[i][0] < 0.5 * typical
        if not thin and (lines is None or len(bands) <= lines):
            break
        above = bands[i][0] - bands[i - 1][1] if i > 0 else None
        below = bands[i + 1][0] - bands[i][1] if i + 1 < len(bands) else None
        j = i - 1 if below is None or (above is not None and above < below) else i + 1
        lo, hi = min(i, j), max(i, j)
        bands[lo : hi + 1] = [[bands[lo][0], bands[hi][1]]]
    if lines is not None and len(bands) < lines:
        # Lines set tight touch and run together: cut the ink into as many lines of equal
        # pitch, each cut at the emptiest row near where the pitch puts it.
        first, last = bands[0][0], bands[-1][1]
        pitch = (last - first) / lines
        cuts = [first]
        for k in range(1, lines):
            lo = max(cuts[-1] + 1, round(first + (k - 0.3) * pitch))
            hi = min(last - 1, round(first + (k + 0.3) * pitch))
            if lo < hi:
                cuts.append(lo + int(np.argmin(row_ink[lo:hi])))
        cuts.append(last)
        bands = [[a, b] for a, b in itertools.pairwise(cuts) if row_ink[a:b].any()]
    extents = []
    for a, b in bands:
        cols = np.flatnonzero(ink[a:b].any(axis=0))
        extents.append((int(cols[0]), int(cols[-1])))
    return w, extents


def layout_alignment(block: Block) -> Alignment:
    """Which way ``block``'s text is laid out, from the browser's own layout: its computed
    ``text-align`` (``start``/``end`` read with its ``direction``) and where each line of
    text starts and ends in its content box (`Block.extents`). No pixels: what a font draws
    (its bearings, its anti-aliasing) does not enter, so the answer does not depend on the
    browser build's rendering. 'ltr': aligned left and every line starts at the left edge;
    'rtl' the mirror; 'unclear' otherwise (centred, no lines)."""
    if not block.extents:
        return "unclear"
    side = {"start": block.direction, "end": "rtl" if block.direction == "ltr" else "ltr"}.get(
        block.text_align, {"left": "ltr", "right": "rtl", "justify": block.direction}.get(block.text_align)
    )
    edge = 1.0  # CSS pixels: a line's text starts at the edge to within rounding
    if side == "ltr" and all(abs(left) <= edge for left, _ in block.extents):
        return "ltr"
    if side == "rtl" and all(abs(right) <= edge for _, right in block.extents):
        return "rtl"
    return "unclear"


def ink_alignment(png: Path, box: Box, lines: int | None = None) -> Alignment:
    """Which way the text in ``box`` of the screenshot ``png`` is laid out, from its pixels.

    'ltr': every line's ink starts at the box's left edge and some line (the last of a
    paragraph, a short heading) ends well short of the right edge; 'rtl' is the mirror;
    'unclear' when neither holds: centred or justified text with no short line, an empty box.
    Up to ``pad`` pixels of padding between the box's edge and the text are allowed.

    ``lines``: how many lines the browser laid out there (`Block.lines`). The pixels find
    lines on their own where rows of background separate them; where a tight line height
    lets them touch, the count says how many to cut the ink into. Alignment is read from the
    pixels either way.
    """
    width, extents = _ink_lines(png, box, lines)
    if not extents:
        return "unclear"
    pad = 24  # the box's edge to the text: padding, a blockquote's indent, a glyph's bearing
    align = 4  # lines aligned on one side start within this many pixels of each other
    short = max(24, width // 20)  # a line ends "short" of the other side by at least this
    lefts = [a for a, _ in extents]
    rights = [b for _, b in extents]
    far_right = width - 1
    starts_left = min(lefts) <= pad and max(lefts) - min(lefts) <= align
    starts_right = far_right - max(rights) <= pad and max(rights) - min(rights) <= align
    some_short_of_right = any(far_right - b >= short for b in rights)
    some_short_of_left = any(a >= short for a in lefts)
    if starts_left and some_short_of_right and not starts_right:
        return "ltr"
    if starts_right and some_short_of_left and not starts_left:
        return "rtl"
    return "unclear"
