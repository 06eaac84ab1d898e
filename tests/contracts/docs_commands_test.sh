#!/usr/bin/env bash
# The commands of the documentation, run as a reader would run them against a
# running system: every fenced block marked ```sh test in docs/events.md,
# README.md and docs/http.md (kcat reading and decoding events, grpcurl
# through reflection: list, describe, a health check and signed-in calls;
# lovctl's walk-through, one command using what the one before made; the
# HTTP/JSON calls with curl; the dashboard's sign-in with curl).
#   1. the system: deploy/local/run.sh from the build dir on free ports with a
#      small demo, as tests/run_sign_in_test.sh starts it (its own Kafka and
#      Redis, its own run dir);
#   2. a folder standing for the repository root, where `.run` is that run dir
#      and `build`, `proto` and `.tools` are the build dir, the protos and
#      $LOV_TOOLS_DIR (grpcurl), so the blocks run unchanged; only the
#      services' default ports (127.0.0.1:50051 ..., the HTTP/JSON ports
#      8452 to 8454 and the dashboard's 8080) become the run's; the files a
#      reader brings (pnr.txt, org.txt: a client's and a sole trader's test
#      personnummer) are written there;
#   3. each block in its own `bash -euo pipefail`: it must exit 0, and the
#      output of each file's blocks must show what the text promises
#      (EXPECTED below).
# The other commands of README.md and docs/http.md, and the test that runs
# them (the blocks not marked):
#   make run          tests/run_sign_in_test.sh (ctest run_sign_in) and this
#                     test: deploy/local/run.sh from the build dir, which is
#                     what the Makefile's `run` runs after install and build
#   make test         CI: the Makefile's `test` is install, build and ctest
#   make images,      tests/images_test.sh (ctest container_images):
#   make run-images   deploy/docker/build-images.sh, then run.sh with
#                     LOV_RUN_FROM=images
#   ctest -R Registry, make sanitize/fuzz/chaos/bench: their own targets,
#                     not part of make test (fuzz_short, chaos_short)
#   tests/contracts/openapi_check.sh build (docs/http.md): ctest openapi_check
#   docs/http.md's curl against visits.example: VisitsHttpTest
#                     (services/visits/tests/visits_http_test.cc), the same
#                     calls against the visits binary
# Usage: docs_commands_test.sh BUILD_DIR. Prints "N passed, N failed".
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK="${REPO_ROOT}/deploy/local/stack.sh"
BUILD_DIR="$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)"
LOV_TOOLS_DIR="${LOV_TOOLS_DIR:-${REPO_ROOT}/.tools}"
# shellcheck source=tests/checks.sh
. "${REPO_ROOT}/tests/checks.sh"

# What the output of each file's marked blocks must contain (grep -E).
declare -A EXPECTED=(
  [docs/events.md]='key=municipality type=se\.lov\.registry\.v1\.MunicipalityConfigured time=20[0-9-]+T
ce_type=se\.lov\.registry\.v1\.MunicipalityConfigured
^event_id: "[0-9a-f-]{36}"$
^actor \{$
content-type=application/protobuf; proto=lov\.registry\.v1\.RegistryEvent'
  [README.md]='^lov\.registry\.v1\.RegistryService$
^grpc\.reflection\.v1(alpha)?\.ServerReflection$
rpc ListProviders \( \.lov\.registry\.v1\.ListProvidersRequest \)
"status": "SERVING"
"provider_id": "prv-5565541645"
"selectable_providers": [0-9]+
ce_type=se\.lov\.choice\.v1\.
^Roslagens Hemtjänst \(prv-[0-9]+, 556036-0793, private\)$
^Anna Anderssons Omsorg \(prv-[0-9a-f]+, sole trader \(number withheld\), private\)$
^eligible providers for cli-[0-9a-f-]+ on 20[0-9]{2}-[0-9]{2}-01 \(neutral order, seed [0-9]+\):$
^prv-5565541645/r-2 +accepted
^prv-5565541645/r-1 +cli-[0-9a-f-]+ +MANUAL_EVIDENCE +awaiting review
^prv-5565541645/r-1 version 1: accepted by SE0000000000-dev-finance$
lov\.followup\.v1\.FollowupService/RegisterComplaint +client_change +cli-
"visitId": "prv-5565541645/r-http-1"
"outcome": "OUTCOME_ACCEPTED
"status": "STATEMENT_STATUS_APPROVED"
^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$
^303 https://127\.0\.0\.1:[0-9]+/$
^<title>LOV operations dashboard</title>$
^>Sign out<$'
  [docs/http.md]='^\{"assignmentId":"asg-[0-9a-f-]+","zoneId":"[a-z]+","categoryIds":\["
^\{"code":7,"message":"provider_id: a provider may act only for its own provider
^HTTP 403$'
)

for tool in "${LOV_TOOLS_DIR}/bin/grpcurl" kcat jq protoc; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    fail "${tool} not found: run deploy/install.sh"
    finish
  fi
done

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/lov-docs-commands.XXXXXX")"
root="${run_dir}/root"
cleanup() {
  LOV_RUN_DIR="${run_dir}/run" "${STACK}" down --wipe >/dev/null 2>&1 || true
  rm -rf "${run_dir}"
}
trap cleanup EXIT

# --- the marked blocks -----------------------------------------------------------------
# blocks/<n>.sh, and blocks/<n>.file naming the document.
mkdir -p "${run_dir}/blocks"
for doc in docs/events.md README.md docs/http.md; do
  n_before="$(find "${run_dir}/blocks" -name '*.sh' | wc -l)"
  awk -v out="${run_dir}/blocks" -v doc="${doc}" -v start="${n_before}" '
    /^```sh test$/ { n++; file = sprintf("%s/%03d.sh", out, start + n);
                     printf "%s\n", doc > (out "/" sprintf("%03d", start + n) ".file"); inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print > file }' "${REPO_ROOT}/${doc}"
  n_after="$(find "${run_dir}/blocks" -name '*.sh' | wc -l)"
  if ((n_after > n_before)); then
    pass "${doc}: $((n_after - n_before)) block(s) marked \`\`\`sh test"
  else
    fail "${doc}: no block marked \`\`\`sh test"
  fi
done

# --- 1. the system ---------------------------------------------------------------------
# shellcheck source=tests/support/run_ports.sh
. "${REPO_ROOT}/tests/support/run_ports.sh"
if ! export_free_run_ports "${STACK}"; then
  fail "no free ports"
  finish
fi
unset LOV_INSECURE_NO_AUTH LOV_TOKEN LOV_TOKEN_FILE LOV_DEV_ISSUER_KEY
export LOV_BUILD_DIR="${BUILD_DIR}" LOV_RUN_DIR="${run_dir}/run" LOV_RUN_DETACH=1 \
  LOV_SIM_ARGS="--clients=20 --threads=2"
if "${REPO_ROOT}/deploy/local/run.sh" >"${run_dir}/run.out" 2>&1; then
  pass "run.sh started the system with the demo"
else
  tail -n 40 "${run_dir}/run.out"
  fail "run.sh failed"
  finish
fi

# --- 2. the reader's repository root -----------------------------------------------------
mkdir -p "${root}"
ln -s "${run_dir}/run" "${root}/.run"
ln -s "${BUILD_DIR}" "${root}/build"
ln -s "${REPO_ROOT}/proto" "${root}/proto"
ln -s "${LOV_TOOLS_DIR}" "${root}/.tools"
# What the walk-through's reader brings: a client's personnummer and a sole
# trader's (the owner's), test numbers, each in a file of its own.
echo 19400101-1230 >"${root}/pnr.txt"
echo 811218-9876 >"${root}/org.txt"
ports=(
  "50051:${LOV_REGISTRY_GRPC_PORT}" "50052:${LOV_CHOICE_GRPC_PORT}" "50053:${LOV_VISITS_GRPC_PORT}"
  "50054:${LOV_SETTLEMENT_GRPC_PORT}" "50055:${LOV_CONSOLE_GRPC_PORT}" "50056:${LOV_AUDIT_GRPC_PORT}"
  "50057:${LOV_FOLLOWUP_GRPC_PORT}" "8452:${LOV_CHOICE_HTTP_PORT}" "8453:${LOV_VISITS_HTTP_PORT}"
  "8454:${LOV_SETTLEMENT_HTTP_PORT}" "8080:${LOV_CONSOLE_HTTP_PORT}")
port_rewrite=()
# Through a placeholder, so that a run's port equal to another default stays.
for p in "${ports[@]}"; do port_rewrite+=(-e "s/127\.0\.0\.1:${p%%:*}\b/127.0.0.1:@${p%%:*}@/g"); done
for p in "${ports[@]}"; do port_rewrite+=(-e "s/@${p%%:*}@/${p##*:}/g"); done

# --- 3. every block ------------------------------------------------------------------------
for block in "${run_dir}"/blocks/*.sh; do
  doc="$(cat "${block%.sh}.file")"
  sed -i "${port_rewrite[@]}" "${block}"
  first="$(grep -m 1 -v '^[[:space:]]*#' "${block}")"
  out="${block%.sh}.out"
  if (cd "${root}" && HOME="${run_dir}" bash -euo pipefail "${block}") >"${out}" 2>&1; then
    pass "${doc}: the block starting '${first}' ran ($(wc -l <"${out}") lines of output)"
  else
    sed 's/^/    /' "${out}" | tail -n 30
    fail "${doc}: the block starting '${first}' failed"
  fi
  cat "${out}" >>"${run_dir}/$(basename "${doc}").out"
done
for doc in "${!EXPECTED[@]}"; do
  output="${run_dir}/$(basename "${doc}").out"
  missing=0
  while IFS= read -r pattern; do
    if grep -qE -- "${pattern}" "${output}" 2>/dev/null; then
      pass "${doc}: the output shows /${pattern}/"
    else
      fail "${doc}: the output does not show /${pattern}/"
      missing=1
    fi
  done <<<"${EXPECTED[${doc}]}"
  ((missing == 0)) || { echo "  ${doc}'s output began:"; head -n 60 "${output}" | sed 's/^/    /'; }
done
# Both ways of decoding a body (the protos, the descriptor set) printed one.
decoded="$(grep -cE '^event_id: "' "${run_dir}/events.md.out" 2>/dev/null)"
if ((decoded >= 2)); then
  pass "docs/events.md: a body decoded with the protos and with the descriptor set"
else
  fail "docs/events.md: ${decoded:-0} bodies decoded; expected one with the protos, one with the descriptor set"
fi
finish
