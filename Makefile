# The two commands of the README: `make run` and `make test`.
# Both install what is missing first (deploy/install.sh is idempotent).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Tests mostly wait on Kafka, Redis and child processes; run more at once.
TEST_JOBS ?= $(shell echo $$(( $(JOBS) * 2 )))

.PHONY: all install configure build test run images run-images stop status clean format \
	sanitize fuzz chaos bench

all: build

install:
	deploy/install.sh

configure: install
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest -j $(TEST_JOBS) --output-on-failure

# The unit tests (and the fuzz corpora) under AddressSanitizer and
# UndefinedBehaviorSanitizer, in their own build dir (docs/fuzzing.md).
SANITIZE_DIR ?= build-sanitize
sanitize: install
	cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS=-O1 -DLOV_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS) --target lov_all_unit_tests \
	  lov_fuzz_targets
	cd $(SANITIZE_DIR) && ctest -L unit -j $(JOBS) --output-on-failure

# Every fuzz target for FUZZ_RUNS executions (or FUZZ_SECONDS each, if
# set), one after another, built with clang in build-fuzz (docs/fuzzing.md).
FUZZ_RUNS ?= 10000000
FUZZ_SECONDS ?= 0
fuzz: install
	fuzz/fuzz.sh --runs $(FUZZ_RUNS) --seconds $(FUZZ_SECONDS) --jobs $(JOBS)

# The chaos suite's long schedule (docs/reliability.md): every fault, round
# after round, for CHAOS_MINUTES under the simulator's load, then the checks
# from Kafka. The short schedule is part of make test (ctest -L chaos).
CHAOS_MINUTES ?= 30
chaos: build
	tests/chaos/run.sh --build-dir=$(BUILD_DIR) --minutes=$(CHAOS_MINUTES)

# Every benchmark of docs/performance.md, each with its peer measured in the
# same run, as one table (bench/run_bench.sh; not part of make test). One row
# alone: make bench BENCH=rebuild (rows: ingest settlement settlement-service
# rebuild choose memory list-shown; national, about 2 min, only when named:
# make bench BENCH=national). BENCH_VISITS: the visits of the memory row.
BENCH ?= all
BENCH_VISITS ?= 1000000
bench: build
	bench/run_bench.sh --build-dir=$(BUILD_DIR) --rows=$(BENCH) \
	  --memory-visits=$(BENCH_VISITS)

run: build
	LOV_BUILD_DIR=$(abspath $(BUILD_DIR)) deploy/local/run.sh

# Container images of every service and tool (deploy/docker/build-images.sh),
# and `make run` with the services and the simulator running from them.
images:
	deploy/install.sh
	deploy/docker/build-images.sh

run-images: images
	LOV_RUN_FROM=images deploy/local/run.sh

stop:
	deploy/local/stack.sh down

status:
	deploy/local/stack.sh status

clean:
	deploy/local/stack.sh down --wipe || true
	rm -rf $(BUILD_DIR)

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i
