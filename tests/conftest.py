"""Shared fixtures: the built site, a local server for it, and headless Chromium.

The book is built once per test session (strictly: warnings are errors) and
served on 127.0.0.1; browser tests load every page of the table of contents.
Outside CI a missing Chromium skips the browser tests with a loud message;
under ``CI=true`` nothing is skipped.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SITE = BUILD / "html"
SCREENSHOTS = BUILD / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def skip_or_fail(reason: str):
    """Skip loudly outside CI; fail under CI, where nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: not skipping)")
    print(f"\n{'*' * 72}\n* SKIPPING: {reason}\n{'*' * 72}", file=sys.stderr)
    pytest.skip(reason)


@functools.lru_cache(maxsize=1)
def build_book() -> subprocess.CompletedProcess:
    """Build the whole book from scratch, warnings as errors. Cached per session."""
    if not (ROOT / "vendor" / "mathjax" / "tex-chtml.js").exists():
        raise RuntimeError("vendor/mathjax is missing: run `make assets` (make test does)")
    shutil.rmtree(SITE, ignore_errors=True)
    shutil.rmtree(BUILD / ".doctrees", ignore_errors=True)
    shutil.rmtree(BUILD / "jupyter_execute", ignore_errors=True)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # Agg would silently drop every figure from the pages
    return subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(ROOT),
         "-W", "-n", "--keep-going", "--all"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500,
    )


@pytest.fixture(scope="session")
def built_site() -> Path:
    result = build_book()
    if result.returncode != 0:
        pytest.fail("book build failed:\n" + (result.stdout + result.stderr)[-6000:])
    return SITE


@pytest.fixture(scope="session")
def site_url(built_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))

    class Quiet(handler.func):  # type: ignore[misc, valid-type]
        def log_message(self, *args):  # keep test output readable
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (make test installs it)")
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
