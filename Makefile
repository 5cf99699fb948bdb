# The two commands: `make run` and `make test`. Everything else here serves them.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
DB         ?= var/stio.db
CMAKE_FLAGS ?=
# CI treats warnings as errors (set CI=true, as .ci/run does).
WERROR     := $(if $(CI),ON,OFF)

.PHONY: all deps build web run test test-asan bench format clean

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
	$(MAKE) test-asan

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSTIO_SANITIZE=ON \
	  -DSTIO_WERROR=$(WERROR) $(CMAKE_FLAGS) > /dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L "unit|api"

bench: deps
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTIO_BUILD_BENCHMARKS=ON
	cmake --build build-bench -j $(JOBS)

format:
	find src bench tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-bench web/dist
