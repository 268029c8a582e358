"""Copy the front-end assets the site serves itself into ``vendor/``.

The published book must render with no network (classroom Wi-Fi is bad, and a
copy of the site on a laptop must just work). MathJax therefore comes from the
npm registry at install time (``web/package.json``, locked) and is served from
the site's own ``_static/`` folder; ``_config.yml`` points ``mathjax_path`` at it.

Only what the pages use is copied: the TeX-to-CommonHTML bundle, the TeX
extensions it autoloads, its web fonts, and the menu and accessibility
components it loads on demand. The speech-rule engine (4 MB) is left out.

Usage: python tools/vendor_assets.py web/node_modules vendor
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

MATHJAX_PARTS = [
    "tex-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
    "adaptors",
]


def main(node_modules: str, dest: str) -> None:
    src = Path(node_modules) / "mathjax" / "es5"
    if not (src / "tex-chtml.js").exists():
        sys.exit(f"MathJax not found under {src}: run `npm ci` in web/ first")
    out = Path(dest) / "mathjax"
    if out.exists():
        shutil.rmtree(out)
    for part in MATHJAX_PARTS:
        s, d = src / part, out / part
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d)
        else:
            shutil.copy2(s, d)
    shutil.copy2(src.parent / "LICENSE", out / "LICENSE")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"vendored MathJax into {out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
