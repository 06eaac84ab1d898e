#!/usr/bin/env bash
# Reads while Kafka is paused (issue 16): a Kafka and Redis of this test's
# own (deploy/local/stack.sh with a private run dir and free ports, as
# bench/run_visits_bench.sh does), so the SIGSTOP never touches the Kafka
# the other tests share; then visits_kafka_pause_tests against it.
#   kafka_pause_test.sh BUILD_DIR [gtest flags]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
build="$1"
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
  "${build}/services/visits/visits_kafka_pause_tests" "${@:2}"
