"""Take the screenshots in docs/img/ that docs/statistics.md shows: the map (home page) and the
top of the statistics page, at 1280 and 375 px wide, from a freshly seeded site in headless
Chromium (as the browser tests run it). Run from the repository root:

    python tools/statistics_screenshots.py

Needs Debian's ``chromium`` and the test extras (playwright)."""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledgebase import create_app  # noqa: E402

OUT = ROOT / "docs" / "img"
SHOTS = [  # (file, width, path, what to capture: a CSS selector, or so many pixels from the first chart)
    ("map-1280.png", 1280, "/sv/", "#region-map"),
    ("map-375.png", 375, "/sv/", "#region-map"),
    ("statistics-1280.png", 1280, "/sv/statistics", 1500),
    ("statistics-375.png", 375, "/sv/statistics", 2600),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        app = create_app({"DATA_DIR": data, "AUTO_SEED": True, "SECRET_KEY": "screenshots-only"})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                     args=["--no-sandbox", "--disable-gpu"])
                for name, width, path, what in SHOTS:
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(base + path)
                    if isinstance(what, str):
                        page.locator(what).screenshot(path=OUT / name)
                    else:
                        top = page.locator(".chart-figure").first.bounding_box()["y"] - 16
                        page.screenshot(path=OUT / name, full_page=True,
                                        clip={"x": 0, "y": top, "width": width, "height": what})
                    page.close()
                    print(name, (OUT / name).stat().st_size, "bytes")
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
