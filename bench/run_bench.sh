#!/usr/bin/env bash
# `make bench`: every benchmark of issue 17's table, one after another, each
# with the peer it is compared with measured in the same run, then ONE table:
# row, figure, peer, ratio, goal, met. Each row brings up what it needs (its
# own Kafka + Redis on free ports via deploy/local/stack.sh, its own service
# processes, PostgreSQL for the settlement row) and takes it down again.
#
#   bench/run_bench.sh [--build-dir=build] [--rows=all|ROW,ROW...] [--smoke]
#                      [--env-file=FILE] [--memory-visits=N]
#
# Rows (also `make bench BENCH=rebuild`):
#   ingest              visits via UploadVisits / raw produce (run_visits_bench.sh)
#   settlement          settlement domain vs PostgreSQL, same totals to the öre
#                       (run_settlement_bench.sh); the ratio is SQL over the domain
#                       given messages on one thread, the figures given rows
#                       (VisitRow) on one and two threads beside it
#   settlement-service  PreviewStatement of the month's largest provider (Redis)
#                       vs the domain in process (settlement_service_bench)
#   rebuild             each service's state rebuild vs raw consume (rebuild_bench)
#   choose              Choose and ListEligibleProviders latency at 500 req/s over
#                       two choice replicas with ghz, the cap checked (choice_latency_bench)
#   memory              visits RSS over one upload of 1 M visits (visits_memory_bench)
#   list-shown          a fresh first page of ListEligibleProviders with its
#                       EligibleListShown event vs without it (list_shown_bench)
# Off by default (about 2 min; --rows=national):
#   national            a national month (--clients=240000, ~18.6 M visits) settled
#                       in process from rows made per provider, 1 and 2 threads,
#                       against the goal of < 60 s and < 8 GiB (settlement_bench --stream)
# --smoke: tiny sizes, for the bench_smoke test (only that every row runs and
# prints numbers; nothing here judges a speed). --env-file: use the Kafka and
# Redis of that stack.sh env file for every row instead of starting one per row.
# Exits non-zero when a row failed or printed no numbers; "met" never fails it.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${repo}/build"
rows="all"
smoke=0
env_file=""
memory_visits=1000000
for arg in "$@"; do
  case "${arg}" in
    --build-dir=*) build="${arg#*=}" ;;
    --rows=*) rows="${arg#*=}" ;;
    --smoke) smoke=1 ;;
    --env-file=*) env_file="${arg#*=}" ;;
    --memory-visits=*) memory_visits="${arg#*=}" ;;
    *)
      echo "run_bench: unknown flag '${arg}' (--build-dir= --rows= --smoke --env-file= --memory-visits=)" >&2
      exit 2
      ;;
  esac
done
[[ ${build} == /* ]] || build="${PWD}/${build}"
all_rows=(ingest settlement settlement-service rebuild choose memory list-shown)
optional_rows=(national)
if [[ ${rows} == all || -z ${rows} ]]; then
  selected=("${all_rows[@]}")
  # The smoke run also runs the optional rows, at their tiny sizes.
  [[ ${smoke} == 0 ]] || selected+=("${optional_rows[@]}")
else
  IFS=',' read -r -a selected <<<"${rows}"
fi
for r in "${selected[@]}"; do
  [[ " ${all_rows[*]} ${optional_rows[*]} " == *" ${r} "* ]] || {
    echo "run_bench: no row '${r}' (rows: ${all_rows[*]} ${optional_rows[*]})" >&2
    exit 2
  }
done

work="$(mktemp -d /tmp/lov-bench.XXXXXX)"
results="${work}/results.tsv"
: >"${results}"
stack_dir=""
stack_down() {
  if [[ -n ${stack_dir} ]]; then
    LOV_RUN_DIR="${stack_dir}" "${repo}/deploy/local/stack.sh" down --wipe >/dev/null 2>&1 || true
    rm -rf "${stack_dir}"
    stack_dir=""
  fi
}
cleanup() {
  stack_down
  rm -rf "${work}"
}
trap cleanup EXIT

# Sets row_env to the env file of the Kafka + Redis a row runs against:
# --env-file's, or that of a private stack brought up now (stack_down takes
# it down).
row_env=""
stack_up() {
  if [[ -n ${env_file} ]]; then
    row_env="${env_file}"
    return
  fi
  stack_dir="$(mktemp -d /tmp/lov-bench-stack.XXXXXX)"
  LOV_RUN_DIR="${stack_dir}" LOV_REDIS_PORT=auto LOV_KAFKA_PORT=auto \
    LOV_KAFKA_CONTROLLER_PORT=auto "${repo}/deploy/local/stack.sh" up >&2
  row_env="${stack_dir}/env"
}

# A row's result: appended to the table (tab-separated, as the drivers print).
add_row() { printf 'ROW\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"${results}"; }
need() {
  [[ -x $1 ]] || {
    echo "run_bench: $1 is not built (cmake --build ${build} --target $(basename "$1"))" >&2
    return 1
  }
}
size() { if [[ ${smoke} == 1 ]]; then echo "$1"; else echo "$2"; fi; }

row_ingest() {
  local n log="${work}/ingest.log"
  n="$(size 2000 50000)"
  need "${build}/bench/visits_ingest_bench" || return 1
  if [[ -n ${env_file} ]]; then
    LOV_TEST_ENV_FILE="${env_file}" "${build}/bench/visits_ingest_bench" --visits="${n}" | tee "${log}"
  else
    "${repo}/bench/run_visits_bench.sh" "${build}" --visits="${n}" | tee "${log}"
  fi
  local ingest produce ratio
  ingest="$(sed -n 's/^visits ingested.* = \([0-9.]*\) visits\/s.*/\1/p' "${log}")"
  produce="$(sed -n 's/^raw produce.* = \([0-9.]*\) msg\/s.*/\1/p' "${log}")"
  ratio="$(sed -n 's/^ratio ingest \/ raw produce: \([0-9.]*\).*/\1/p' "${log}")"
  [[ -n ${ingest} && -n ${produce} && -n ${ratio} ]] || return 1
  add_row ingest "UploadVisits ${ingest} visits/s accepted+durable (${n} visits)" \
    "raw produce ${produce} msg/s, same broker and size" "${ratio}" ">= 0.5" \
    "$(awk -v r="${ratio}" 'BEGIN { print (r >= 0.5) ? "yes" : "no" }')"
}

row_settlement() {
  local clients log="${work}/settlement.log"
  # 800: the smallest month of this generator in which every provider has
  # visits (with fewer, SQL has no row for some and the check says NO).
  clients="$(size 800 20000)"
  need "${build}/bench/settlement_bench" || return 1
  "${repo}/bench/run_settlement_bench.sh" "${build}" --clients="${clients}" | tee "${log}" || true
  local domain sql same visits ratio
  visits="$(sed -n 's/^generated \([0-9]*\) visits.*/\1/p' "${log}")"
  domain="$(awk '/^settlement domain \(C\+\+\)/ { print $4 }' "${log}")"
  local rows1 rows2
  rows1="$(awk '/^domain, rows, 1 thread / { print $5 }' "${log}")"
  rows2="$(awk '/^domain, rows, 2 threads / { print $5 }' "${log}")"
  sql="$(awk '/^PostgreSQL 1 backend \(SQL\)/ { print $5 }' "${log}")"
  same="$(sed -n 's/^per-provider totals agree to the öre: \([A-Z]*\).*/\1/p' "${log}")"
  [[ -n ${domain} && -n ${rows1} && -n ${sql} && -n ${same} ]] || return 1
  ratio="$(awk -v d="${domain}" -v s="${sql}" 'BEGIN { printf "%.3f", (d > 0) ? s / d : 0 }')"
  add_row settlement "domain on 1 thread ${domain} s given messages (given rows: ${rows1} s on 1 thread, ${rows2} s on 2) for ${visits} visits, totals identical to the öre: ${same}" \
    "PostgreSQL ${sql} s, same totals by SQL" "${ratio}" ">= 10 (SQL/domain), identical" \
    "$(awk -v r="${ratio}" -v s="${same}" 'BEGIN { print (r >= 10 && s == "YES") ? "yes" : "no" }')"
  [[ ${same} == YES ]]
}

row_national() {
  local clients log="${work}/national.log"
  clients="$(size 2000 240000)"
  need "${build}/bench/settlement_bench" || return 1
  "${build}/bench/settlement_bench" --clients="${clients}" --stream --inputs=rows --threads=1,2 | tee "${log}" || return 1
  local visits one two peak
  visits="$(sed -n 's/^generated \([0-9]*\) visits.*/\1/p' "${log}")"
  one="$(sed -n 's/^domain, rows, 1 thread: \([0-9.]*\) s.*/\1/p' "${log}")"
  two="$(sed -n 's/^domain, rows, 2 threads: \([0-9.]*\) s.*/\1/p' "${log}")"
  peak="$(sed -n 's/^process peak RSS over the whole run: \([0-9]*\) MiB.*/\1/p' "${log}")"
  [[ -n ${one} && -n ${two} && -n ${peak} ]] || return 1
  add_row national "${visits} visits settled in process in ${two} s on 2 threads (${one} s on 1), peak RSS ${peak} MiB" \
    "the goal's budget: 60 s, 8 GiB (through the service: not measured here)" \
    "$(awk -v t="${two}" 'BEGIN { printf "%.3f", t / 60 }')" "< 1 (time / 60 s), < 8 GiB" \
    "$(awk -v t="${two}" -v m="${peak}" 'BEGIN { print (t < 60 && m < 8192) ? "yes" : "no" }')"
}

# The drivers that print their own ROW lines.
run_driver() {
  local name="$1"
  shift
  local log="${work}/${name}.log"
  need "${build}/bench/${name}" || return 1
  stack_up
  local rc=0
  LOV_TEST_ENV_FILE="${row_env}" "${build}/bench/${name}" "$@" | tee "${log}" || rc=$?
  stack_down
  grep -P '^ROW\t' "${log}" | sed 's/^ROW\t//' | while IFS= read -r line; do
    printf 'ROW\t%s\n' "${line}" >>"${results}"
  done
  return "${rc}"
}

row_settlement_service() {
  run_driver settlement_service_bench --clients="$(size 800 20000)" --runs="$(size 1 5)"
}
row_rebuild() { run_driver rebuild_bench --clients="$(size 6 1500)"; }
row_memory() { run_driver visits_memory_bench --visits="$(size 2000 "${memory_visits}")"; }
row_list_shown() { run_driver list_shown_bench --lists="$(size 20 200)"; }
row_choose() {
  local ghz="${LOV_TOOLS_DIR:-${repo}/.tools}/bin/ghz"
  [[ -x ${ghz} ]] || ghz="$(command -v ghz || true)"
  [[ -n ${ghz} ]] || {
    echo "run_bench: ghz is not installed (deploy/install.sh builds it into .tools/bin)" >&2
    return 1
  }
  protoc -I "${repo}/proto" --include_imports --descriptor_set_out="${work}/lov.protoset" \
    lov/choice/v1/choice.proto grpc/health/v1/health.proto
  run_driver choice_latency_bench --ghz="${ghz}" --protoset="${work}/lov.protoset" \
    --rate="$(size 50 500)" --seconds="$(size 1 10)" --providers="$(size 4 10)"
}

failed=()
for r in "${selected[@]}"; do
  echo "=== ${r}" >&2
  started=${SECONDS}
  if ! "row_${r//-/_}"; then
    failed+=("${r}")
  fi
  stack_down
  echo "=== ${r}: $((SECONDS - started)) s" >&2
done

# Every selected row must have printed numbers: a figure and a ratio.
declare -A expected=([ingest]=ingest [settlement]=settlement
  [settlement-service]=settlement-service
  [rebuild]="rebuild-registry rebuild-choice rebuild-visits rebuild-settlement rebuild-followup"
  [choose]="choose list-eligible" [memory]=visits-memory
  [list-shown]=list_shown_event [national]=national)
for r in "${selected[@]}"; do
  for name in ${expected[${r}]}; do
    if ! awk -F'\t' -v n="${name}" '$2 == n && $3 ~ /[0-9]/ && $5 ~ /^[0-9]+(\.[0-9]+)?$/ { ok = 1 } END { exit !ok }' "${results}"; then
      [[ " ${failed[*]} " == *" ${r} "* ]] || failed+=("${r}")
      echo "run_bench: row ${name} printed no result" >&2
    fi
  done
done

echo
echo "## make bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)$([[ ${smoke} == 1 ]] && echo ", SMOKE sizes")"
echo
echo "| row | figure | peer (same run) | ratio | goal | met |"
echo "|---|---|---|---|---|---|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }' "${results}"
if ((${#failed[@]} > 0)); then
  echo
  echo "FAILED rows: ${failed[*]} (their output is above)"
  exit 1
fi
