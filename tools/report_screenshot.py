"""A PNG of a `tarjama compare` report.html as Chromium shows it (docs/compare-report.png).

    python tools/report_screenshot.py compare-report/report.html docs/compare-report.png \
        --sort worse --b 1

Opens the page with the test suite's browser harness (tests/browser.py: Debian's Chromium,
nothing served but the page), optionally picks systems A and B and a sort as a reader would,
and keeps the top of the page (score table, chart, the first sentences) in a 256-colour PNG.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser import Harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000, help="keep this many pixels from the top")
    parser.add_argument("--a", type=int, default=0, help="system A (0 = the baseline)")
    parser.add_argument("--b", type=int, default=None, help="system B (default: the last)")
    parser.add_argument("--sort", default="segment", choices=["segment", "worse", "better", "risk"])
    args = parser.parse_args()
    with Harness() as harness, harness.open(args.page, args.width) as opened:
        page = opened.page
        page.select_option("#sys-a", str(args.a))
        if args.b is not None:
            page.select_option("#sys-b", str(args.b))
        page.select_option("#sort", args.sort)
        png = page.screenshot(full_page=True, animations="disabled")
        if opened.errors or len(opened.requests) != 1:
            raise SystemExit(f"the page misbehaved: {opened.errors} {opened.requests}")
    with Image.open(io.BytesIO(png)) as image:
        top = image.convert("RGB").crop((0, 0, image.width, min(image.height, args.height)))
        top.quantize(256).save(args.out, optimize=True)
    print(args.out)


if __name__ == "__main__":
    main()
