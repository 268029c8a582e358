# Two commands do everything on a fresh machine:
#   make book   create .venv, install, vendor MathJax, build the site into _build/html
#   make test   install test tools (Chromium too), then run every test
# `make help` lists the rest.

PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
PY       := $(BIN)/python
# PyTorch's CPU-only wheels; requirements.txt names the same index for Binder.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
# Built pages lose every figure under MPLBACKEND=Agg: let kernels pick their inline backend.
unexport MPLBACKEND
NOTEBOOKS = intro.ipynb $(wildcard chapters/*.ipynb) $(wildcard labs/source/*.ipynb)
NBVAL     = --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help venv book serve test test-fast test-unit test-notebooks test-build test-browser \
        assets outputs benchmarks chromium set-repo-url clean

help:
	@echo "make book        install into $(VENV), build the site into _build/html"
	@echo "make serve       serve _build/html on http://127.0.0.1:8000"
	@echo "make test        every test: unit, notebooks (nbval), strict build, browser"
	@echo "make test-fast   unit tests only"
	@echo "make outputs     re-execute every notebook and store its outputs"
	@echo "make benchmarks  print the speed tables of benchmarks/"
	@echo "make set-repo-url URL=https://github.com/you/fork   point launch buttons and Colab setup at a fork"
	@echo "make clean       remove _build and vendored assets"

# ---------------------------------------------------------------- environment
$(VENV)/.book-installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip
	@# torch first, alone: from a local wheel where pip's find-links has one, else from the
	@# CPU index. The rest is then installed without that index, so pip does not ask it
	@# about every other package (a slow failure on machines that cannot reach it).
	$(BIN)/pip install --retries 0 --extra-index-url $(TORCH_INDEX) "$$(grep '^torch==' requirements.txt)"
	grep -v -e '^--extra-index-url' requirements.txt > $(VENV)/requirements-noindex.txt
	$(BIN)/pip install -r $(VENV)/requirements-noindex.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (nncomplexity)"
	touch $@

$(VENV)/.test-installed: $(VENV)/.book-installed requirements-test.txt
	grep -v -e '^--extra-index-url' -e '^-r ' requirements-test.txt > $(VENV)/requirements-test-noindex.txt
	$(BIN)/pip install -r $(VENV)/requirements-test-noindex.txt
	touch $@

venv: $(VENV)/.book-installed

# MathJax served from the site itself: the book must render with no network.
assets: vendor/.done
vendor/.done: web/package.json web/package-lock.json tools/vendor_assets.py
	cd web && npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) tools/vendor_assets.py web/node_modules vendor
	touch $@

# ---------------------------------------------------------------- the book
book: venv assets
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going
	@echo
	@echo "Built: _build/html/index.html"
	@echo "Open it directly in a browser, or serve it:  make serve  (http://127.0.0.1:8000)"

serve:
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/html 8000

# Re-run every notebook and store fresh outputs (the contract nbval checks).
outputs: venv
	$(PY) tools/execute_notebooks.py

set-repo-url: venv
	$(PY) tools/set_repo_url.py "$(URL)"

# ---------------------------------------------------------------- tests
chromium:
	@bash tools/ensure_chromium.sh

# One pytest run: unit tests, every notebook re-executed and compared (nbval),
# a clean strict build of the book, and the browser tests against it.
test: $(VENV)/.test-installed assets chromium
	$(BIN)/pytest $(NBVAL) tests $(NOTEBOOKS)

test-fast: $(VENV)/.test-installed
	$(BIN)/pytest tests -m "not browser" --ignore=tests/test_build.py --ignore=tests/test_labs.py

benchmarks: venv
	$(PY) benchmarks/run_all.py

clean:
	rm -rf _build vendor
