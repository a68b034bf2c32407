# GrantDesk — the two commands of the README.
#   make run    installs what is missing, builds and opens the GrantDesk window
#   make test   runs every test: format, lints, unit, property, integration (on SQLite, then
#               on a throwaway PostgreSQL server), shell command,
#               UI logic (node --test), end-to-end tests of the real window under Xvfb, and
#               the package's: built, installed with apt-get, started, removed
#   make package  builds the Debian package (.deb) of the window and the CLI
# Both are idempotent and quick when everything is present.

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run test deps test-deps fmt-check lint unit it-postgres ui-test e2e package package-test screenshot measure tour

run: deps
	$(CARGO) run --release -p grantdesk-app

test: test-deps fmt-check lint unit it-postgres ui-test e2e package-test

deps:
	@bash .ci/deps

test-deps:
	@bash .ci/deps test

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# In a D-Bus session of its own with a throwaway GNOME Keyring (.ci/keyring), so that the
# window's password keeping is tested against a real Secret Service.
unit:
	bash .ci/keyring $(CARGO) test --workspace --all-targets

# The integration suites again (the core's, the command line's but its crash test), against a
# throwaway PostgreSQL cluster (.ci/pg starts it as a non-root user on a free port and removes
# it after). The same selection as `unit` (--workspace --all-targets: the unit tests run again,
# in seconds) so that features resolve alike and the very same test binaries run, unbuilt
# again: `--test it` alone resolved the window's keyring features away and rebuilt sqlx.
it-postgres:
	bash .ci/pg $(CARGO) test --workspace --all-targets -- --skip crash::

ui-test:
	node --test ui/tests/

# Builds the window and the CLI (debug), then drives the window over WebDriver; beside a
# throwaway PostgreSQL server, for the two windows on one shared database (server.test.mjs).
e2e:
	$(CARGO) build -p grantdesk-app -p grantdesk-cli
	bash .ci/pg bash e2e/run.sh

# The .deb with Tauri's own bundler (packaging/deb.sh prints where it went).
package:
	@bash packaging/deb.sh >/dev/null

# Builds the package, installs it with apt-get (sudo when not root), starts the installed
# window under Xvfb, runs the installed CLI, removes the package and checks the user's data
# stayed (packaging/install-test.sh).
package-test:
	bash packaging/install-test.sh

# Refreshes the README's screenshots (docs/) from the end-to-end run.
screenshot: test-deps
	$(CARGO) build -p grantdesk-app -p grantdesk-cli
	GRANTDESK_SHOTS=docs bash e2e/run.sh

# Cold start to a drawn dashboard and resident memory with the sample loaded (figures only).
measure: test-deps
	$(CARGO) build -p grantdesk-app -p grantdesk-cli
	MEASURE=1 bash e2e/run.sh

# Screenshots of every view of the awarded sample in both languages at 1280 × 800, for
# looking at (target/tour/).
tour: test-deps
	$(CARGO) build -p grantdesk-app -p grantdesk-cli
	TOUR=1 bash e2e/run.sh
