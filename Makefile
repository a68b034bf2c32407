# GrantDesk — the two commands of the README.
#   make run    installs what is missing, builds and opens the GrantDesk window
#   make test   runs every test: format, lints, unit, property, integration, shell command,
#               UI logic (node --test) and end-to-end tests of the real window under Xvfb
# Both are idempotent and quick when everything is present.

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run test deps test-deps fmt-check lint unit ui-test e2e screenshot measure

run: deps
	$(CARGO) run --release -p grantdesk-app

test: test-deps fmt-check lint unit ui-test e2e

deps:
	@bash .ci/deps

test-deps:
	@bash .ci/deps test

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit:
	$(CARGO) test --workspace --all-targets

ui-test:
	node --test ui/tests/

# Builds the window and the CLI (debug), then drives the window over WebDriver.
e2e:
	$(CARGO) build -p grantdesk-app -p grantdesk-cli
	bash e2e/run.sh

# Refreshes the README's screenshots (docs/) from the end-to-end run.
screenshot: test-deps
	$(CARGO) build -p grantdesk-app -p grantdesk-cli
	GRANTDESK_SHOTS=docs bash e2e/run.sh

# Cold start to a drawn dashboard and resident memory with the sample loaded (figures only).
measure: test-deps
	$(CARGO) build -p grantdesk-app -p grantdesk-cli
	MEASURE=1 bash e2e/run.sh
