# Thorbecke — the two commands a new user needs:
#   make run    install what is missing, build a release binary, start on http://localhost:8000 with demo data
#   make test   install what is missing, build with ASan/UBSan, run every test suite (SQLite and PostgreSQL)
SHELL := /bin/bash
BIN_RELEASE := build/release/src/app/thorbecke
BIN_ASAN := build/asan/src/app/thorbecke
PORT ?= 8000

.PHONY: run build deps test unit api format format-check bench clean

deps:
	@scripts/install-deps.sh build

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

run: build
	@mkdir -p var
	$(BIN_RELEASE) serve --port $(PORT) --data-dir var --demo --notificaties-allowed-hosts localhost,127.0.0.1

test:
	@scripts/install-deps.sh test
	@scripts/test.sh

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.h')

format-check:
	@clang-format --dry-run -Werror $$(git ls-files '*.cpp' '*.h')

bench: build
	@scripts/install-deps.sh bench
	@bench/run.sh

clean:
	rm -rf build
