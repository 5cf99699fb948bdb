# The two commands: `make run` and `make test`. Everything else here serves them.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
DB         ?= var/stio.db
CMAKE_FLAGS ?=
# CI treats warnings as errors (set CI=true, as .ci/run does).
WERROR     := $(if $(CI),ON,OFF)

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20

.PHONY: all deps build web run test test-asan test-fuzz bench format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps web
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTIO_WERROR=$(WERROR) \
	  $(CMAKE_FLAGS) > /dev/null
	cmake --build $(BUILD) -j $(JOBS)

web: deps
	@if [ -f web/package.json ]; then cd web && npm run --silent build; fi

run: build
	@mkdir -p $(dir $(DB))
	$(BUILD)/stio serve --listen $(LISTEN) --db $(DB)

# Every test: unit and API tests (also under ASan+UBSan), the crash test and the browser tests.
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-fuzz
	$(MAKE) test-asan

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSTIO_SANITIZE=ON \
	  -DSTIO_WERROR=$(WERROR) $(CMAKE_FLAGS) > /dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L "unit|api"

# libFuzzer targets (clang) for the text analyser and the search query parser, briefly.
test-fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSTIO_FUZZ=ON -DSTIO_BUILD_TESTS=OFF "-DSTIO_MODULES=core;text;search" > /dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target text_fuzz search_query_fuzz
	mkdir -p $(FUZZ_BUILD)/corpus-text $(FUZZ_BUILD)/corpus-query
	$(FUZZ_BUILD)/src/text/text_fuzz -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	  $(FUZZ_BUILD)/corpus-text src/text/testdata
	$(FUZZ_BUILD)/src/search/search_query_fuzz -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	  $(FUZZ_BUILD)/corpus-query

bench: deps
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTIO_BUILD_BENCHMARKS=ON
	cmake --build build-bench -j $(JOBS)

format:
	find src bench tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-bench web/dist
