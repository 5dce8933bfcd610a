# memkeydb — top-level entry points. See README.md.
#
#   make            build the release server: build/memkeydb-server
#   make run        install dependencies, build, start on 127.0.0.1:6379
#   make test       install dependencies, build, run every test (release + asan/ubsan)
#   make debug      debug build in build-debug/
#   make asan       asan+ubsan build in build-asan/
#   make bench      the benchmark suite against redis-server (BENCHMARKS.md, bench/)

DEPS := build-essential cmake ninja-build pkg-config \
        libmemkind-dev libnuma-dev libdaxctl-dev libhwloc-dev \
        libgtest-dev libgmock-dev libbenchmark-dev libhiredis-dev libxxhash-dev liblzf-dev \
        redis-server redis-tools python3 python3-redis python3-pytest python3-matplotlib
JOBS ?= $(shell nproc)
PY := /usr/bin/python3

.PHONY: all build deps run test unit-test py-test debug asan asan-test bench bench-more clean

all: build

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	if ! dpkg -s $(DEPS) >/dev/null 2>&1; then \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEPS); \
	fi

build:
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j $(JOBS)

debug:
	cmake -S . -B build-debug -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-debug -j $(JOBS)

asan:
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMEMKEYDB_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)

# On a machine with a single NUMA node (no PMem or CXL node), MEMKIND_DAX_KMEM_NODES=0 lets the
# KMEM DAX far tier run on node 0's DRAM, so a far-memory policy can be tried (ARGS, or CONFIG
# SET memory-alloc-policy ratio at run time). A real far node is left for memkind to find.
SINGLE_NODE := $(shell [ -d /sys/devices/system/node/node1 ] || echo 1)
KMEM_ENV := $(if $(and $(SINGLE_NODE),$(if $(MEMKIND_DAX_KMEM_NODES),,1)),MEMKIND_DAX_KMEM_NODES=0)
ARGS ?=

run: deps build
	$(KMEM_ENV) ./build/memkeydb-server --bind 127.0.0.1 --port 6379 $(ARGS)

unit-test: build
	cd build && ctest --output-on-failure -j $(JOBS)

py-test: build
	MEMKEYDB_SERVER=$(CURDIR)/build/memkeydb-server $(PY) -m pytest -q tests/

asan-test: asan
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS)
	# The differential run under the sanitizers found UB the replies alone did not show.
	MEMKEYDB_SERVER=$(CURDIR)/build-asan/memkeydb-server MEMKEYDB_SANITIZED=1 DIFF_COMMANDS=20000 DIFF_FAMILY_COMMANDS=20000 \
	  $(PY) -m pytest -q tests/integration tests/differential

test: deps
	$(MAKE) unit-test
	$(MAKE) py-test
	$(MAKE) asan-test

# The suite (about 30 minutes): writes bench/results/suite-* and the table in BENCHMARKS.md.
bench: deps build
	$(PY) bench/suite.py --publish

# The older, narrower scripts: the tier controller over time, collections at 1M elements.
bench-more: deps build
	$(PY) bench/tiers.py
	$(PY) bench/collections.py

clean:
	rm -rf build build-debug build-asan
