"""Point the book at another repository (a fork, or the published home).

Usage: python tools/set_repo_url.py https://github.com/OWNER/REPO

Writes the URL into ``_config.yml`` (``repository.url``: what the Binder,
Colab and repository buttons use) and into the Colab setup cell of every
notebook, so the two cannot disagree. Then rebuild with ``make book``.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_conventions import ROOT, SETUP_PATTERN, notebooks  # noqa: E402

URL = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def main(url: str) -> None:
    url = url.rstrip("/").removesuffix(".git")
    if not URL.match(url):
        sys.exit(f"URL must look like https://github.com/OWNER/REPO (Binder and Colab need GitHub), got {url!r}")
    config = ROOT / "_config.yml"
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(  url: ).*$", rf"\g<1>{url}", text, count=1)
    if n != 1:
        sys.exit("could not find repository.url in _config.yml")
    config.write_text(text, encoding="utf-8")
    for path in notebooks():
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            nb = json.loads(raw)
            for cell in nb["cells"]:
                if cell["cell_type"] == "code":
                    src = "".join(cell["source"])
                    new = SETUP_PATTERN.sub(f'"nncomplexity @ git+{url}"', src)
                    cell["source"] = new.splitlines(keepends=True)
                    break
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            path.write_text(SETUP_PATTERN.sub(f'"nncomplexity @ git+{url}"', raw, count=1), encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)}")
    print(f"repository URL set to {url}; rebuild with `make book`")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1]:
        sys.exit(__doc__)
    main(sys.argv[1])
