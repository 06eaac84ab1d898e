# Shared start of the contract checks (buf_check.sh, openapi_check.sh,
# asyncapi_check.sh): where the repository and the pinned tools are, the
# pass/fail/finish helpers of tests/checks.sh, and two helpers. Sourced, not
# run.
#   require_tool -x|-f PATH MESSAGE  when PATH is not executable (-x) or
#                              not a file (-f): fail with MESSAGE and stop
#   scratch_dir NAME           sets `tmp` to a new temporary directory,
#                              removed at exit (call it in the script
#                              itself, not in $(...))
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOV_TOOLS_DIR="${LOV_TOOLS_DIR:-${REPO_ROOT}/.tools}"
# shellcheck source=tests/checks.sh
. "${REPO_ROOT}/tests/checks.sh"

require_tool() {
  if ! test "$1" "$2"; then
    fail "$3"
    finish
  fi
}

scratch_dir() {
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/lov-$1.XXXXXX")"
  trap 'rm -rf "${tmp}"' EXIT
}
