# SPDX-License-Identifier: GPL-3.0-or-later
# A thin layer over CMake. `make demo` and `make test` install what is missing first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
DEMO_OUT   ?= demo-out
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all setup build build-asan demo install test test-fast test-asan test-fuzz test-python test-valgrind bench clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DSC_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

build-asan: setup
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSC_WERROR=ON -DSC_SANITIZE=ON -DSC_BROWSER_TEST=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Installs the libraries, the tool, the header, the man page, the pkg-config file and the CMake
# package under PREFIX (DESTDIR is honoured as usual).
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

# The main job on the shipped data: fits, figures and a report in $(DEMO_OUT)/.
demo: build
	@bash scripts/demo.sh $(BUILD)/scalecast $(DEMO_OUT)

# Every test: the release build, the same tests under AddressSanitizer + UBSan, a short
# libFuzzer run of every reader (FUZZ_SECONDS each), and the golden command-line cases under
# valgrind (those that do not depend on timing; see tests/cli/valgrind.sh).
FUZZ_SECONDS ?= 10
test: test-fast test-asan test-fuzz test-valgrind

test-fast: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ctest --output-on-failure -j $(JOBS)

test-fuzz: setup
	@bash tests/fuzz/smoke.sh $(FUZZ_SECONDS)

# The Python package's tests alone (also part of test-fast: ctest runs them as python/pytest).
test-python: build
	@cd $(BUILD) && ctest --output-on-failure -L python

test-valgrind: build
	@bash scripts/setup.sh valgrind
	@JOBS=$(JOBS) bash tests/cli/valgrind.sh $(BUILD)/scalecast

bench: build
	@bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz $(DEMO_OUT)
