#!/usr/bin/env bash
# Brings up a private Kafka + Redis (ports chosen automatically), runs the
# visits ingestion benchmark against it, and takes the stack down again.
#   bench/run_visits_bench.sh [build dir] [bench flags, e.g. --visits=50000]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${repo}/build}"
shift || true
run_dir="$(mktemp -d /tmp/lov-visits-bench.XXXXXX)"
cleanup() { LOV_RUN_DIR="${run_dir}" "${repo}/deploy/local/stack.sh" down --wipe >/dev/null 2>&1 || true; }
trap cleanup EXIT
LOV_RUN_DIR="${run_dir}" LOV_REDIS_PORT=auto LOV_KAFKA_PORT=auto \
  LOV_KAFKA_CONTROLLER_PORT=auto "${repo}/deploy/local/stack.sh" up
LOV_TEST_ENV_FILE="${run_dir}/env" "${build}/bench/visits_ingest_bench" "$@"
