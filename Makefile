# The two commands of the README, and the pieces of `make test` one at a time.
UV := $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)
PG_URL ?= postgres://postgres@127.0.0.1:5432/linli

.PHONY: demo test lint types unit unit-pg race browser messages

demo:           ## serve the demo on http://127.0.0.1:8000 (SQLite under ./var)
	bash scripts/demo.sh

test:           ## everything CI runs
	bash scripts/test.sh

lint:
	$(UV) run ruff check . && $(UV) run ruff format --check .

types:
	$(UV) run mypy linli tests

unit:
	$(UV) run pytest tests --ignore=tests/browser --ignore=tests/race -n 2 --dist loadgroup -q

unit-pg:
	DATABASE_URL=$(PG_URL) $(UV) run pytest tests --ignore=tests/browser --ignore=tests/race -n 2 --dist loadgroup -q

race:
	DATABASE_URL=$(PG_URL) $(UV) run pytest tests/race -m race -p no:xdist -q

browser:
	$(UV) run pytest tests/browser -m browser -p no:xdist -q

messages:       ## refresh and compile the English catalogue (needs GNU gettext)
	cd linli && LINLI_DATA_DIR=$$(mktemp -d) $(UV) run linli makemessages -l en --no-obsolete --add-location=file && LINLI_DATA_DIR=$$(mktemp -d) $(UV) run linli compilemessages
