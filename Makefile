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

# In `make test`, clippy lints while the tests are built instead of in a build of its own:
# every cargo command runs with clippy's driver as the workspace's compiler wrapper (what
# `cargo clippy` itself sets up, with its `-D warnings`), so the dependencies are compiled
# once, for the tests, rather than once more in `check` mode for clippy (that was 10 of a
# cold run's 37 minutes). `make lint` alone is the plain `cargo clippy`.
CLIPPY_DRIVER = $(shell rustc --print sysroot 2>/dev/null)/bin/clippy-driver
LINT = $(CARGO) clippy --workspace --all-targets -- -D warnings
test: export RUSTC_WORKSPACE_WRAPPER = $(CLIPPY_DRIVER)
test: export CLIPPY_ARGS = -D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
test: LINT = $(TEST_BUILD)

deps:
	@bash .ci/deps

test-deps:
	@bash .ci/deps test

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(LINT)

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

# The window and the CLI (debug) as `unit` built them: `cargo test --no-run` with the same
# selection resolves the same features (Tauri's `test` feature among them), so the window is
# not compiled a second time (`cargo build` would resolve without the dev-dependencies and
# rebuild Tauri and everything above it). Then drives the window over WebDriver; beside a
# throwaway PostgreSQL server, for the two windows on one shared database (server.test.mjs).
TEST_BUILD = $(CARGO) test --workspace --all-targets --no-run
e2e:
	$(TEST_BUILD)
	bash .ci/pg bash e2e/run.sh

# The .deb with Tauri's own bundler (packaging/deb.sh prints where it went).
package:
	@bash packaging/deb.sh >/dev/null

# Builds the package, installs it with apt-get (sudo when not root), starts the installed
# window under Xvfb, runs the installed CLI, removes the package and checks the user's data
# stayed (packaging/install-test.sh). Alone: the release package, as `make package` builds
# it. In `make test`: the same package made of the debug build the other tiers compiled and
# tested (same files, bundler and configuration), so that a cold run does not compile every
# dependency a second time with optimisation.
PACKAGE_PROFILE = release
test: PACKAGE_PROFILE = debug
package-test:
	bash packaging/install-test.sh $(PACKAGE_PROFILE)

# Refreshes the README's screenshots (docs/) from the end-to-end run.
screenshot: test-deps
	$(TEST_BUILD)
	GRANTDESK_SHOTS=docs bash e2e/run.sh

# Cold start to a drawn dashboard and memory with the sample loaded, beside a bare Tauri
# window of the same build, each with WebKitGTK's defaults and with GrantDesk's settings
# (figures only; release build, as officers run it).
measure: test-deps
	$(CARGO) build --release -p grantdesk-app -p grantdesk-cli
	release=$$(realpath -m "$${CARGO_TARGET_DIR:-target}/release"); \
	  GRANTDESK_APP="$$release/grantdesk-app" GRANTDESK_CLI="$$release/grantdesk" MEASURE=1 bash e2e/run.sh

# Screenshots of every view of the awarded sample in both languages at 1280 × 800, for
# looking at (target/tour/).
tour: test-deps
	$(TEST_BUILD)
	TOUR=1 bash e2e/run.sh
