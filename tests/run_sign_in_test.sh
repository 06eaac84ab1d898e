#!/usr/bin/env bash
# `make run` with sign-in, as a user runs it (deploy/local/run.sh from the
# build dir, on free ports, in a fresh run dir, a small demo):
#   1. the demo municipality passes its own checks, the simulator signing in
#      with development tokens role by role;
#   2. the development issuer's key is the user's only (0600), its key set is
#      what the services trust, and no service lets calls in without a
#      credential; every metrics port speaks HTTPS only, with a certificate
#      of the run's CA;
#   3. with `. lovctl.env`: lovctl without signing in is refused with the
#      hint, `lovctl login --role case_officer` then `lovctl client show`
#      works, and a provider reading another provider's statement is refused.
# Usage: run_sign_in_test.sh BUILD_DIR. Prints "N passed, N failed" at the
# end and exits non-zero on any failure.
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="${REPO_ROOT}/deploy/local/stack.sh"
BUILD_DIR="${1:?usage: $0 BUILD_DIR}"

# shellcheck source=tests/checks.sh
. "${REPO_ROOT}/tests/checks.sh"
has() { grep -qF -- "$2" <<<"$1"; }

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/lov-run-sign-in-test.XXXXXX")"
cleanup() {
  LOV_RUN_DIR="${run_dir}" "${STACK}" down --wipe >/dev/null 2>&1 || true
  rm -rf "${run_dir}"
}
trap cleanup EXIT

# --- 1. the demo ----------------------------------------------------------------------
# shellcheck source=tests/support/run_ports.sh
. "${REPO_ROOT}/tests/support/run_ports.sh"
if ! export_free_run_ports "${STACK}"; then
  fail "no free ports"
  finish
fi
# The old development setting that let calls in is refused by name, before
# anything starts.
out="$(LOV_INSECURE_NO_AUTH=true LOV_RUN_DIR="${run_dir}" "${REPO_ROOT}/deploy/local/run.sh" 2>&1)"
rc=$?
if ((rc != 0)) && has "${out}" "LOV_INSECURE_NO_AUTH=true: this development setting was removed"; then
  pass "run.sh refuses LOV_INSECURE_NO_AUTH=true, naming it"
else
  fail "run.sh with LOV_INSECURE_NO_AUTH=true exited ${rc}: ${out}"
fi
# No sign-in settings of the calling shell: make run signs in by itself.
unset LOV_INSECURE_NO_AUTH LOV_TOKEN LOV_TOKEN_FILE LOV_DEV_ISSUER_KEY
export LOV_BUILD_DIR="${BUILD_DIR}" LOV_RUN_DIR="${run_dir}" LOV_RUN_DETACH=1 \
  LOV_SIM_ARGS="--clients=60 --threads=4"
if "${REPO_ROOT}/deploy/local/run.sh" >"${run_dir}/run.out" 2>&1; then
  pass "run.sh exited 0"
else
  tail -n 40 "${run_dir}/run.out"
  fail "run.sh failed"
  finish
fi
check_demo_report "${run_dir}/run.out"

# --- 2. the issuer and the services ---------------------------------------------------
key="${run_dir}/dev-issuer.jwk"
if [[ "$(stat -c %a "${key}" 2>/dev/null)" == 600 && -s "${run_dir}/dev-jwks.json" ]] &&
  ! grep -q '"d"' "${run_dir}/dev-jwks.json"; then
  pass "the issuer's key is mode 0600, its key set public only"
else
  fail "issuer key ${key} (mode $(stat -c %a "${key}" 2>&1)) or key set ${run_dir}/dev-jwks.json wrong"
fi
# Each service's command line: the run's key set, calls without a credential refused.
for pid_file in "${run_dir}"/pids/{audit,registry,choice,visits,settlement,console}.pid; do
  name="$(basename "${pid_file}" .pid)"
  args="$(tr '\0' ' ' <"/proc/$(cat "${pid_file}")/cmdline" 2>/dev/null)"
  if has "${args}" "--oidc-jwks-file=${run_dir}/dev-jwks.json" && has "${args}" "--oidc-issuer=lov-dev-issuer" &&
    ! has "${args}" "--insecure-no-auth"; then
    pass "${name} trusts the run's development issuer only"
  else
    fail "${name} runs as: ${args:-<not running>}"
  fi
done

# Each service's metrics port speaks HTTPS only (--metrics-tls), with a
# certificate of the run's CA: /readyz answers over HTTPS, nothing over HTTP.
for name in audit registry choice visits settlement console followup; do
  port_var="LOV_$(tr '[:lower:]' '[:upper:]' <<<"${name}")_METRICS_PORT"
  https="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "${run_dir}/certs/ca.crt" \
    "https://127.0.0.1:${!port_var}/readyz")"
  plain="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:${!port_var}/readyz")"
  if [[ ${https} == 200 && ${plain} != 200 ]]; then
    pass "${name}'s metrics port: HTTPS with the run's CA, no plain HTTP"
  else
    fail "${name}'s metrics port ${!port_var}: HTTPS answered ${https}, plain HTTP ${plain}"
  fi
done

# --- 3. lovctl, as the README says ------------------------------------------------------
lovctl() { "${BUILD_DIR}/tools/lovctl/lovctl" "$@" 2>&1; }
# shellcheck disable=SC1091
. "${run_dir}/lovctl.env"
out="$(lovctl zone health)"
if has "${out}" "UNAUTHENTICATED: " && has "${out}" "lovctl login --role ROLE"; then
  pass "lovctl without signing in: UNAUTHENTICATED with the hint"
else
  fail "lovctl without signing in said: ${out}"
fi
lovctl login --role case_officer >/dev/null
out="$(lovctl assignments list --provider prv-5565541645)"
client="$(grep -o 'cli-[0-9a-f-]*' <<<"${out}" | head -n 1)"
if [[ -n ${client} ]] && has "$(lovctl client show --id "${client}")" "${client}"; then
  pass "lovctl login --role case_officer, then client show --id ${client}"
else
  fail "case officer: assignments list said: ${out}"
fi
if [[ "$(stat -c %a "${LOV_TOKEN_FILE}" 2>/dev/null)" == 600 ]]; then
  pass "the token file is mode 0600"
else
  fail "token file ${LOV_TOKEN_FILE}: mode $(stat -c %a "${LOV_TOKEN_FILE}" 2>&1)"
fi
token="$(cat "${LOV_TOKEN_FILE}")"
lovctl login --role provider --provider prv-5565541645 >/dev/null
out="$(lovctl statement show --provider prv-5567889984 --period "$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)")"
if has "${out}" "PERMISSION_DENIED: provider_id: a provider may act only for its own provider"; then
  pass "a provider reading another provider's statement: PERMISSION_DENIED"
else
  fail "a provider reading another provider's statement: ${out}"
fi
# The case officer's token with the signature's first character changed.
signature="${token##*.}"
[[ ${signature:0:1} == A ]] && first=B || first=A
out="$(LOV_TOKEN="${token%.*}.${first}${signature:1}" lovctl zone health)"
if has "${out}" "UNAUTHENTICATED: bearer token refused" && ! has "${out}" "${token%.*}"; then
  pass "a tampered token is refused and not printed"
else
  fail "a tampered token: ${out}"
fi

finish
