# psyscore: the two commands of the README.
#   make run   install missing Debian packages, build (Release), serve the API
#   make test  install, build, run every test
# Packages are installed with apt-get, directly as root or through sudo.

PACKAGES := cmake ninja-build g++ ccache pkg-config \
  libboost1.81-dev libboost-json1.81-dev libeigen3-dev libspdlog-dev libcli11-dev \
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev python3 python3-jsonschema

PRESET ?= release
HOST ?= 127.0.0.1
PORT ?= 8080
PSYSCORE := build/$(PRESET)/cli/psyscore
JOBS ?= $(shell nproc)

.PHONY: all deps build run test clean

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	command -v npx >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	@echo "psyscore serves the bundled instruments on http://$(HOST):$(PORT) (Ctrl-C stops it). In another terminal:"
	@echo "  curl -s http://$(HOST):$(PORT)/v1/instruments"
	@echo "  curl -s -X POST http://$(HOST):$(PORT)/v1/instruments/mbi-hss/score \\"
	@echo "       -H 'Content-Type: text/csv' --data-binary @examples/balint-cohort/pre.csv"
	$(PSYSCORE) serve --host $(HOST) --port $(PORT)

test: build
	ctest --preset $(PRESET) -j $(JOBS)

clean:
	rm -rf build
