"""The built site as a reader sees it, in headless Chromium.

For every page of the table of contents: it loads with no console error, no
failed request and no request leaving 127.0.0.1 (the site must work offline);
math is typeset by MathJax (no raw TeX left); every image has alt text; the
Binder and Colab buttons of a notebook page point at this repository's copy of
that page; and moving an explorer's slider changes what the page shows.
Screenshots of every page land in ``_build/screenshots/``.
"""
from __future__ import annotations

import functools
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import ROOT, SCREENSHOTS

pytestmark = pytest.mark.browser


def toc_pages() -> list[str]:
    """Every document named in _toc.yml, without extension."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def source_of(page: str) -> Path:
    """The file a page's launch buttons must open: the .ipynb if there is one."""
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{page}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(page)


def repo_settings() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]


PAGES = toc_pages()


@functools.lru_cache(maxsize=None)
def _observe(browser, site_url: str, page_name: str) -> dict:
    """Load one page and record everything the tests check."""
    host = urlparse(site_url).netloc
    seen = {"console": [], "failed": [], "external": [], "page_errors": []}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def route(r):
        url = r.request.url
        if urlparse(url).scheme in ("data", "blob") or urlparse(url).netloc == host:
            r.continue_()
        else:
            seen["external"].append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["page_errors"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url} ({r.failure})")
            if urlparse(r.url).netloc == host else None)
    response = page.goto(f"{site_url}/{page_name}.html", wait_until="load")
    seen["status"] = response.status if response else None
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
    page.evaluate("() => window.MathJax && window.MathJax.startup.promise")
    seen["math"] = page.evaluate(
        """() => {
          const main = document.querySelector('main') || document.body;
          const clone = main.cloneNode(true);
          clone.querySelectorAll('pre, code, script, style, .highlight, mjx-container').forEach(e => e.remove());
          const raw = clone.textContent;
          return {
            math_spans: main.querySelectorAll('.math').length,
            rendered: main.querySelectorAll('mjx-container').length,
            raw_tex: ['\\\\(', '\\\\[', '$$'].filter(s => raw.includes(s)),
          };
        }"""
    )
    seen["images"] = page.evaluate(
        """() => Array.from(document.querySelectorAll('main img')).map(
             i => ({src: i.src.slice(0, 80), alt: (i.getAttribute('alt') || '').trim(),
                    ok: i.complete && i.naturalWidth > 0}))"""
    )
    seen["links"] = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = page_name.replace("/", "__")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    seen["sliders"] = []
    for i, explorer in enumerate(page.locator(".nnc-explorer").all()):
        slider = explorer.locator("input.nnc-slider").first
        before = explorer.locator(".nnc-screen").inner_html()
        shown_before = explorer.locator(".nnc-value").first.inner_text()
        explorer.scroll_into_view_if_needed()
        slider.focus()
        key = "ArrowLeft" if slider.input_value() == slider.get_attribute("max") else "ArrowRight"
        page.keyboard.press(key)
        after = explorer.locator(".nnc-screen").inner_html()
        shown_after = explorer.locator(".nnc-value").first.inner_text()
        explorer.screenshot(path=str(SCREENSHOTS / f"{name}--explorer{i}-moved.png"))
        seen["sliders"].append({"changed": before != after, "value_before": shown_before,
                                "value_after": shown_after})
    if page_name == PAGES[0]:  # the theme's dark mode: figures must stay readable
        page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
        page.screenshot(path=str(SCREENSHOTS / f"{name}--dark.png"), full_page=True)
    context.close()
    return seen


@pytest.fixture
def observe(browser, site_url):
    return lambda page_name: _observe(browser, site_url, page_name)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_loads_cleanly_and_offline(observe, page_name):
    seen = observe(page_name)
    assert seen["status"] == 200
    assert not seen["external"], f"requests leaving 127.0.0.1: {seen['external']}"
    assert not seen["failed"], f"failed requests: {seen['failed']}"
    assert not seen["console"], f"console errors: {seen['console']}"
    assert not seen["page_errors"], f"JavaScript errors: {seen['page_errors']}"


@pytest.mark.parametrize("page_name", PAGES)
def test_math_is_rendered(observe, page_name):
    math = observe(page_name)["math"]
    assert not math["raw_tex"], f"raw TeX delimiters left on the page: {math['raw_tex']}"
    if math["math_spans"]:
        assert math["rendered"] >= math["math_spans"], math


@pytest.mark.parametrize("page_name", PAGES)
def test_images_have_alt_text_and_load(observe, page_name):
    for image in observe(page_name)["images"]:
        assert image["alt"], f"image without alt text: {image['src']}"
        assert image["ok"], f"image did not load: {image['src']}"


def tracked(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    out = subprocess.run(["git", "ls-files", "--error-unmatch", rel], cwd=ROOT,
                         capture_output=True, text=True)
    return out.returncode == 0


@pytest.mark.parametrize("page_name", PAGES)
def test_launch_buttons_point_at_this_page(observe, page_name):
    source = source_of(page_name)
    links = observe(page_name)["links"]
    binder = [u for u in links if "mybinder.org" in u]
    colab = [u for u in links if "colab.research.google.com" in u]
    if source.suffix != ".ipynb":
        assert not binder and not colab, "a page without a notebook must not offer launch buttons"
        return
    repo = repo_settings()
    org_repo = urlparse(repo["url"]).path.strip("/")
    rel = source.relative_to(ROOT).as_posix()
    assert tracked(source), f"{rel} is not in git: the launch buttons would open nothing"
    want_binder = f"https://mybinder.org/v2/gh/{org_repo}/{repo['branch']}?urlpath=lab/tree/{rel}"
    want_colab = f"https://colab.research.google.com/github/{org_repo}/blob/{repo['branch']}/{rel}"
    assert want_binder in binder, f"Binder button: {binder}, expected {want_binder}"
    assert want_colab in colab, f"Colab button: {colab}, expected {want_colab}"


def test_sliders_change_the_page(observe):
    """Every explorer on every page responds to its slider (and there is one)."""
    explorers = {page: observe(page)["sliders"] for page in PAGES}
    assert explorers[PAGES[0]], "the intro page has no explorer"
    for page, sliders in explorers.items():
        for i, s in enumerate(sliders):
            assert s["changed"], f"{page}, explorer {i}: moving the slider did not change the view"
            assert s["value_before"] != s["value_after"], f"{page}, explorer {i}: the value label did not follow"
