# The two commands of the README: `make run` and `make test`.
# Both install what is missing first (deploy/install.sh is idempotent).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Tests mostly wait on Kafka, Redis and child processes; run more at once.
TEST_JOBS ?= $(shell echo $$(( $(JOBS) * 2 )))

.PHONY: all install configure build test run images run-images stop status clean format

all: build

install:
	deploy/install.sh

configure: install
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest -j $(TEST_JOBS) --output-on-failure

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
