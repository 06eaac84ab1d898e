#!/usr/bin/env bash
# Runs a test binary of reads while Kafka is paused (issue 16) against a
# Kafka and Redis of its own (deploy/local/stack.sh with a private run dir
# and free ports), so its SIGSTOP never touches the Kafka the other tests
# share; the binary finds the Kafka's pid in LOV_KAFKA_PID_FILE
# (tests/support/kafka_pause.h). The stack is removed however it ends.
#   kafka_pause_test.sh BUILD_DIR TEST_BINARY [gtest flags]
# TEST_BINARY is relative to BUILD_DIR (services/choice/choice_kafka_pause_tests).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:?usage: kafka_pause_test.sh BUILD_DIR TEST_BINARY [gtest flags]}"
binary="${2:?usage: kafka_pause_test.sh BUILD_DIR TEST_BINARY [gtest flags]}"
[[ -x ${build}/${binary} ]] || { echo "no test binary ${build}/${binary}" >&2; exit 1; }
run_dir="$(mktemp -d /tmp/lov-kafka-pause.XXXXXX)"
cleanup() {
  kill -CONT "$(cat "${run_dir}/pids/kafka.pid" 2>/dev/null || echo 0)" 2>/dev/null || true
  LOV_RUN_DIR="${run_dir}" "${repo}/deploy/local/stack.sh" down --wipe >/dev/null 2>&1 || true
  rm -rf "${run_dir}"
}
trap cleanup EXIT
LOV_RUN_DIR="${run_dir}" LOV_REDIS_PORT=auto LOV_KAFKA_PORT=auto \
  LOV_KAFKA_CONTROLLER_PORT=auto "${repo}/deploy/local/stack.sh" up >"${run_dir}/stack-up.log" 2>&1 ||
  { cat "${run_dir}/stack-up.log"; exit 1; }
LOV_TEST_ENV_FILE="${run_dir}/env" LOV_KAFKA_PID_FILE="${run_dir}/pids/kafka.pid" \
  "${build}/${binary}" "${@:3}"
