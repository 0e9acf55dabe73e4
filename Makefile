# Everyday commands. `make test` installs what the suite needs, then runs all of it.
PY ?= python

.PHONY: run demo test test-fast lint fmt typecheck bench

run:
	$(PY) -m pip install -q -e . && pinpoint serve

demo:
	$(PY) -m pip install -q -e . && pinpoint serve --demo

test:
	./scripts/install-test-deps
	$(PY) -m pytest -n 2

test-fast:
	$(PY) -m pytest -n 2 -m "not browser and not slow"

lint:
	ruff check . && ruff format --check . && mypy && mypy tests

fmt:
	ruff format . && ruff check --fix .

typecheck:
	mypy

bench:
	$(PY) bench/bench_law_cli.py
	$(PY) bench/bench_http_law.py
	$(PY) bench/bench_http_headers.py
	$(PY) bench/bench_outcomes.py
