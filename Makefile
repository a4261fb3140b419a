# Parlor's two entry points: `make run` and `make test`. Everything they need
# is installed from the package registries by the targets below.

CARGO ?= cargo
DATA_DIR ?= ./parlor-data
LISTEN ?= 127.0.0.1:8080
# When set (CI sets it), the integration suites run a second time on PostgreSQL.
PARLOR_TEST_DATABASE_URL ?=
# The S3-compatible server the file tests store into: moto, from PyPI, in a
# virtualenv of its own. scripts/with-s3-server starts it for each test run.
S3_VENV := target/s3-venv
MOTO_VERSION ?= 5.2.5
# The SMTP server the e-mail tests deliver to: aiosmtpd, from PyPI, in a
# virtualenv of its own. The tests start it (scripts/smtp_sink.py) themselves.
SMTP_VENV := target/smtp-venv
AIOSMTPD_VERSION ?= 1.4.6
# The API fuzzer: schemathesis, from PyPI, in a virtualenv of its own.
# scripts/api-fuzz runs it against a server of its own.
FUZZ_VENV := target/fuzz-venv
SCHEMATHESIS_VERSION ?= 4.32.5

.PHONY: run build web web-deps nats-server bench-deps bench-first-load test test-rust test-rust-postgres test-fuzz fuzz-deps test-sdk sdk-deps test-e2e e2e-deps s3-test-server smtp-test-server nginx-test-server lint clean bench bench-quick synapse-bench-server

# The wasm-bindgen CLI must be the exact version of the wasm-bindgen crate.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p;}' Cargo.lock)
SITE_DIR := target/site
WASM := target/wasm32-unknown-unknown/wasm-release/parlor_frontend.wasm

## Build and start Parlor on SQLite in $(DATA_DIR), at http://$(LISTEN).
run: build web
	./target/release/parlor serve --data-dir $(DATA_DIR) --listen $(LISTEN) --site-dir $(SITE_DIR)

build:
	$(CARGO) build --release --locked -p parlor

## The browser half of the web app, in $(SITE_DIR): the hydrate wasm and its
## JavaScript glue, the lazy pages' code split into files of their own
## (wasm-split), the stylesheet, and the PWA files; every wasm shrunk by
## wasm-opt, the app's files under a directory named by their content, and
## every file compressed ahead of time (scripts/site-assets).
web: web-deps
	$(CARGO) build --locked -p parlor-frontend --target wasm32-unknown-unknown --profile wasm-release
	rm -rf $(SITE_DIR) $(SPLIT_DIR)
	wasm-split-cli $(WASM) $(SPLIT_DIR) --out-name parlor --target web
	wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir $(SITE_DIR)/pkg --out-name parlor $(SPLIT_DIR)/parlor.wasm
	rm $(SPLIT_DIR)/parlor.wasm
	cp $(SPLIT_DIR)/* $(SITE_DIR)/pkg/
	for wasm in $(SITE_DIR)/pkg/*.wasm; do wasm-opt $(WASM_OPT_FLAGS) -o $$wasm $$wasm || exit 1; done
	cp -R public/. $(SITE_DIR)/
	cp style/parlor.css $(SITE_DIR)/parlor.css
	scripts/site-assets $(SITE_DIR)

SPLIT_DIR := target/wasm-split
# wasm-split's command line, at the version Leptos' lazy routes are made for.
WASM_SPLIT_VERSION := 0.2.4

# Binaryen's wasm-opt, built from the `wasm-opt` crate: Debian's binaryen
# (108) misreads wasm-bindgen's table of JavaScript references and writes a
# wasm no browser loads. Size first; the features are those rustc's wasm32
# target emits by default.
WASM_OPT_VERSION := 0.116.1
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue

web-deps:
	rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)" \
		|| $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@wasm-opt --version 2>/dev/null | grep -q "version $(word 2,$(subst ., ,$(WASM_OPT_VERSION)))" \
		|| $(CARGO) install wasm-opt --locked --version $(WASM_OPT_VERSION)
	@$(CARGO) install --list | grep -q "^wasm_split_cli_support v$(WASM_SPLIT_VERSION):" \
		|| $(CARGO) install wasm_split_cli_support --locked --features build-binary --version $(WASM_SPLIT_VERSION)
	@command -v brotli >/dev/null \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli)

## Every test: Rust unit and integration suites (SQLite, then PostgreSQL when
## PARLOR_TEST_DATABASE_URL is set), the API fuzzer, the official Node SDK
## against the server, the browser tests, and the benchmark smoke test.
test: test-rust test-rust-postgres test-fuzz test-sdk test-e2e bench-quick

test-rust: s3-test-server smtp-test-server nats-server
	env -u PARLOR_TEST_DATABASE_URL scripts/with-s3-server $(CARGO) test --locked

# The same packages as test-rust (no -p), so Cargo reuses its build.
test-rust-postgres: s3-test-server smtp-test-server nginx-test-server
ifneq ($(strip $(PARLOR_TEST_DATABASE_URL)),)
	PARLOR_TEST_DATABASE_URL=$(PARLOR_TEST_DATABASE_URL) scripts/with-s3-server $(CARGO) test --locked --test api --test crash --test cluster
else
	@echo "PARLOR_TEST_DATABASE_URL is not set: skipping the PostgreSQL run of the integration suites"
endif

## moto[server] (an S3-compatible server) for the file tests, from PyPI.
s3-test-server: $(S3_VENV)/bin/moto_server

$(S3_VENV)/bin/moto_server:
	python3 -m venv $(S3_VENV)
	$(S3_VENV)/bin/pip install --quiet --disable-pip-version-check 'moto[server]==$(MOTO_VERSION)'

## nginx, in front of three nodes in the several-node tests, from Debian's packages.
nginx-test-server:
	@test -x /usr/sbin/nginx || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light)

## aiosmtpd (an SMTP server) for the e-mail tests, from PyPI.
smtp-test-server: $(SMTP_VENV)/bin/aiosmtpd

$(SMTP_VENV)/bin/aiosmtpd:
	python3 -m venv $(SMTP_VENV)
	$(SMTP_VENV)/bin/pip install --quiet --disable-pip-version-check 'aiosmtpd==$(AIOSMTPD_VERSION)'

## The API fuzzer: schemathesis against the OpenAPI document the server
## serves, every operation without credentials, as a client and as an admin;
## no 5xx, no answer outside its schema (SQLite, then PostgreSQL when
## PARLOR_TEST_DATABASE_URL is set).
test-fuzz: fuzz-deps
	$(CARGO) build --locked --bin parlor
	env -u PARLOR_TEST_DATABASE_URL $(FUZZ_VENV)/bin/python scripts/api-fuzz target/debug/parlor
ifneq ($(strip $(PARLOR_TEST_DATABASE_URL)),)
	PARLOR_TEST_DATABASE_URL=$(PARLOR_TEST_DATABASE_URL) $(FUZZ_VENV)/bin/python scripts/api-fuzz target/debug/parlor
endif

fuzz-deps: $(FUZZ_VENV)/bin/schemathesis

$(FUZZ_VENV)/bin/schemathesis:
	python3 -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check 'schemathesis==$(SCHEMATHESIS_VERSION)'

sdk-deps:
	cd sdk-tests && npm ci --no-audit --no-fund

test-sdk: sdk-deps
	$(CARGO) build --locked --bin parlor
	cd sdk-tests && env -u PARLOR_TEST_DATABASE_URL npm test
ifneq ($(strip $(PARLOR_TEST_DATABASE_URL)),)
	cd sdk-tests && PARLOR_TEST_DATABASE_URL=$(PARLOR_TEST_DATABASE_URL) npm test
endif

## Browser tests: Playwright drives Debian's Chromium against a server on
## SQLite (and PostgreSQL when PARLOR_TEST_DATABASE_URL is set).
e2e-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	cd end2end && npm ci --no-audit --no-fund

test-e2e: e2e-deps web smtp-test-server
	$(CARGO) build --locked --bin parlor
	cd end2end && env -u PARLOR_TEST_DATABASE_URL npx playwright test
ifneq ($(strip $(PARLOR_TEST_DATABASE_URL)),)
	cd end2end && PARLOR_TEST_DATABASE_URL=$(PARLOR_TEST_DATABASE_URL) npx playwright test
endif

## Benchmarks: release servers on fresh data directories (and a fresh
## PostgreSQL database at $(BENCH_POSTGRES_URL)), measured by bench/
## (parlor-bench): send throughput, fan-out, idle sockets, history, and sends
## under wrk against Parlor and Synapse alike. Results:
## bench/results/latest.{md,json,svg}. parlor-bench raises its open-file
## limit (and so the server's) itself; the ulimit here is a fallback.
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432
bench: bench-deps nats-server synapse-bench-server bench-first-load
	$(CARGO) build --release --locked -p parlor -p parlor-bench
	ulimit -n 20000 2>/dev/null; ./target/release/parlor-bench --parlor target/release/parlor --postgres-url $(BENCH_POSTGRES_URL)

## The web app's first load on a slow phone network, for the report
## (target/first-load.json; `make test` runs the same test).
bench-first-load: e2e-deps web
	$(CARGO) build --locked --bin parlor
	cd end2end && env -u PARLOR_TEST_DATABASE_URL npx playwright test tests/first-load.spec.js

## A smoke test of the same harness at small sizes (Parlor on SQLite only,
## under two minutes); fails when a message is lost or duplicated or a
## scenario errors, or when the harness leaves a server or a data directory
## behind, after a run that ends or one stopped with SIGTERM. Its results
## go under target/, not into the repository. Debug builds, which the other
## tests have built already: it checks the harness, never a speed.
bench-quick: nats-server
	$(CARGO) build --locked -p parlor -p parlor-bench
	ulimit -n 20000 2>/dev/null; scripts/bench-leaves-nothing target/debug/parlor-bench target/debug/parlor target/bench-results

## nats-server, the broker the fan-out is measured against (bench/src/broker.rs;
## its test runs in test-rust), from Debian's packages.
nats-server:
	@test -x /usr/sbin/nats-server \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server)

## wrk, the HTTP load generator sends are measured with against Parlor and
## Synapse alike (bench/src/wrk.rs), from Debian's packages.
bench-deps:
	@command -v wrk >/dev/null \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)

## The peer alone (Synapse, from PyPI, into target/synapse-venv), installed
## by `make bench` on first use: docs/performance.md.
synapse-bench-server:
	scripts/synapse-bench-server --setup-only

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) clippy --locked -p parlor-frontend --target wasm32-unknown-unknown -- -D warnings

clean:
	$(CARGO) clean
	rm -rf sdk-tests/node_modules end2end/node_modules
