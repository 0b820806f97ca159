"""Support for the browser tests: a live server, headless Chromium through Playwright, axe-core
and the Nu Html Checker, found where .ci/run installs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from knowledgebase.security import RequestHandler

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require(path: Path | str, what: str) -> None:
    """Skip on a developer's machine without the tool; fail in CI, where .ci/run installs it."""
    if Path(path).exists():
        return
    message = f"{what} not found at {path}: run .ci/run's install steps (apt chromium, npm ci)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class LiveServer:
    """The app served on a free port on 127.0.0.1 in a background thread, by the request
    handler that ``python app.py`` uses."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def run_axe(page) -> list[dict]:
    """WCAG 2.0/2.1 A and AA violations on the current page."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [node["target"] for node in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def run_vnu(files: list[Path]) -> list[dict]:
    """Errors the Nu Html Checker finds in saved HTML files."""
    java = shutil.which("java")
    if not java:
        require("/usr/bin/java", "Java")
    completed = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    messages = json.loads(completed.stderr or "{}").get("messages", [])
    return [msg for msg in messages if msg.get("type") == "error"]


def open_page(playwright, profile: str, base_url: str):
    """A page in a fresh Chromium profile, with ``page.base_url`` set; close its ``context``."""
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        bypass_csp=True,  # axe is injected as a script; the site's own CSP forbids that
    )
    page = context.new_page()
    page.base_url = base_url
    return page


def log_in(page, email: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto(page.base_url + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert page.url.endswith("/admin/"), page.url


# Run in the page after each Tab: the focused element, its outline, the region it is in and the
# background colours just outside it, half an outline away (where the ring is drawn), found by
# what lies under those points, skipping the element itself.
FOCUS_PROBE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (!el.dataset.probed) el.dataset.probed = (window.probed = (window.probed || 0) + 1);
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const width = parseFloat(style.outlineWidth) || 0;
  const ring = (parseFloat(style.outlineOffset) || 0) + width / 2;
  // The middle of the part on screen (a long table is taller than the window).
  const x = (Math.max(rect.left, 0) + Math.min(rect.right, innerWidth)) / 2;
  const y = (Math.max(rect.top, 0) + Math.min(rect.bottom, innerHeight)) / 2;
  const points = [[rect.left - ring, y], [rect.right + ring, y], [x, rect.top - ring], [x, rect.bottom + ring]];
  const backgrounds = [];
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    let colour = 'rgb(255, 255, 255)';
    for (const under of document.elementsFromPoint(x, y)) {
      if (under === el || el.contains(under)) continue;
      const c = getComputedStyle(under).backgroundColor;
      if (c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c)) { colour = c; break; }
    }
    backgrounds.push(colour);
  }
  const region = el.closest('.main-nav') ? 'navigation'
    : (el.closest('.site-header') || el.classList.contains('skip-link')) ? 'header'
    : el.closest('main') ? 'body' : el.closest('footer') ? 'footer' : 'elsewhere';
  return {key: el.dataset.probed, what: el.outerHTML.replace(/\s+/g, ' ').slice(0, 90), region, style: style.outlineStyle, width,
          colour: style.outlineColor, backgrounds};
}"""


def _luminance(colour: str) -> float:
    red, green, blue = (float(part) / 255 for part in re.findall(r"[\d.]+", colour)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focus_rings(page, most: int = 250) -> list[dict]:
    """Tab through the current page from the top, probing every element that takes focus."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen, rings = set(), []
    for _ in range(most):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_PROBE)
        if ring is None or ring["key"] in seen:
            break
        seen.add(ring["key"])
        rings.append(ring)
    return rings


# Run in the page: how far it scrolls sideways, and every scrolling table box that is not a
# named focusable region, or a table that runs off the screen outside one.
REFLOW_PROBE = """() => {
  const problems = [];
  for (const box of document.querySelectorAll('.table-scroll')) {
    const label = document.getElementById(box.getAttribute('aria-labelledby') || '');
    const name = label ? label.textContent.trim() : (box.getAttribute('aria-label') || '').trim();
    if (box.getAttribute('role') !== 'region' || box.tabIndex !== 0 || !name)
      problems.push('unlabelled or unfocusable box: ' + box.outerHTML.slice(0, 100));
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.closest('.table-scroll') && table.getBoundingClientRect().right > innerWidth + 1)
      problems.push('table off the screen: ' + table.textContent.trim().slice(0, 60));
  }
  return {width: document.documentElement.scrollWidth, viewport: innerWidth, problems};
}"""
