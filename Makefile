# Build, test and publish the GGMM x KAN report.
# Every target runs inside .venv, created by `make setup`.

PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PROFILE ?= full
EXECUTOR ?= local
ARGS   ?=

.PHONY: setup data figures schemas site test test-all bench pdf slides serve audit clean lint lint-js typecheck help

help:
	@echo "make setup    create .venv and install everything needed to build and test"
	@echo "make data     run the experiments (PROFILE=full|quick, EXECUTOR=local|dask) and export the report's data"
	@echo "make figures  write the standalone figure gallery to out/gallery/"
	@echo "make schemas  write the JSON Schemas of the export documents and of the experiment config to out/schemas/"
	@echo "make site     data, then both language sites, slides and PDF into _site/ (needs quarto)"
	@echo "make lint     ruff (lint and format check), the import contracts (lint-imports), mypy (make typecheck) and ESLint"
	@echo "make typecheck mypy: strict on ggmm, the untyped-definitions check on build/ (pyproject.toml)"
	@echo "make test     the checks (make lint), then the default test suite"
	@echo "make test-all the default suite plus the slow tests (a cold quick-profile build, every print branch)"
	@echo "make bench    print the benchmarks (ratios measured in one run)"
	@echo "make pdf      the report as PDF (Quarto + Typst)"
	@echo "make slides   the reveal.js deck and its PPTX export"
	@echo "make serve    preview _site/ on http://127.0.0.1:8000"
	@echo "make audit    Lighthouse, axe-core and Nu checker figures of the rendered site (ARGS=\"--all\")"
	@echo "make lint-js  ESLint on all the JavaScript (assets/js: widgets and playground; its Node tests run in make test, with fixtures from pykan)"
	@echo "make clean    remove build outputs (keeps the committed exports and the caches)"

setup:
	bash scripts/setup.sh "$(PYTHON)" "$(VENV)"

data:
	$(PY) -m ggmm_build.cli --profile $(PROFILE) --executor $(EXECUTOR) $(ARGS)

figures:
	$(PY) -m ggmm_build.site.gallery --out out/gallery

schemas:
	$(PY) -m ggmm_build.documents.models out/schemas
	$(PY) -m ggmm_build.config out/schemas

site:
	$(PY) -m ggmm_build.site all

pdf:
	$(PY) -m ggmm_build.site pdf

slides:
	$(PY) -m ggmm_build.site slides

serve:
	$(PY) -m ggmm_build.site serve

audit:
	$(PY) -m ggmm_build.site audit $(ARGS)

test: lint
	$(PY) -m pytest -q

test-all: lint
	$(PY) -m pytest -q -m ""

# What a reviewer would check first; `make test` (and so CI) runs it before the tests.
lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	@$(MAKE) --no-print-directory typecheck
	@if [ -x node_modules/.bin/eslint ]; then node_modules/.bin/eslint assets/js tests/js; \
	else echo "lint: ESLint is not installed (make setup installs it with npm); JavaScript not linted"; fi

# mypy sees build/ as the package it installs as (ggmm_build) through a link in its cache folder
typecheck:
	@mkdir -p .mypy_cache/packages && ln -sfn ../../build .mypy_cache/packages/ggmm_build
	$(VENV)/bin/mypy

# ESLint alone, installing the dev tools from package-lock.json first
lint-js:
	npm ci --include=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	node_modules/.bin/eslint assets/js tests/js

bench:
	$(PY) tests/benchmarks/run.py

# Caches stay: .cache/ (experiments, pictures, build stamps) and _freeze/ (Quarto's cell results).
clean:
	rm -rf _site out .quarto test-artifacts .pytest_cache .ruff_cache report/pdf assets/vendor
	find report -type d -name '*_files' -prune -exec rm -rf {} +
