# GrantDesk — the two commands of the README.
#   make run    installs what is missing, builds, loads the sample call and shows it
#   make test   runs every test: format, lints, unit, property and integration tests
# Both are idempotent and quick when everything is present.

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run test deps fmt-check lint unit

run: deps
	$(CARGO) run --quiet --release --bin grantdesk -- demo
	@echo
	@echo "Next: cargo run --release --bin grantdesk -- --help"

test: deps fmt-check lint unit

# What a fresh Debian/Ubuntu machine may lack: a C compiler and pkg-config for the bundled
# SQLite, and the rustfmt/clippy components.
deps:
	@bash .ci/deps

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --all-targets -- -D warnings

unit:
	$(CARGO) test --all-targets
