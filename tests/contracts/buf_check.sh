#!/usr/bin/env bash
# The proto contract with buf (buf.yaml at the repository root; buf pinned and
# installed by deploy/install.sh into $LOV_TOOLS_DIR/bin):
#   lint      buf lint over proto/ (STANDARD, the exceptions listed in buf.yaml),
#             and on a copy, a message named against the rules fails
#   breaking  buf breaking against the released protos
#             (proto/released/lov-v1.binpb), then shows the check can fail:
#             in a copy of proto/, a field added still passes and a field
#             removed fails, naming it (FIELD_NO_DELETE)
#   baseline [REV]  writes proto/released/lov-v1.binpb from the protos of git
#             revision REV (default HEAD): run it when a release is tagged
#             (proto/released/README.md)
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail

# shellcheck source=tests/contracts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BUF="${LOV_TOOLS_DIR}/bin/buf"
BASELINE="${REPO_ROOT}/proto/released/lov-v1.binpb"

require_tool -x "${BUF}" \
  "no buf at ${BUF}: run deploy/install.sh (it builds the pinned buf with Go)"

scratch_dir buf-check

case "${1:-}" in
  lint)
    if out="$(cd "${REPO_ROOT}" && "${BUF}" lint 2>&1)"; then
      pass "buf lint: proto/ follows buf.yaml's rules"
    else
      fail "buf lint (rules and exceptions in buf.yaml):"$'\n'"${out}"
    fi
    # The same check on a copy with a message named against the rules.
    cp -r "${REPO_ROOT}/proto" "${REPO_ROOT}/buf.yaml" "${tmp}/"
    printf '\nmessage visit_lint_check {}\n' >>"${tmp}/proto/lov/visits/v1/events.proto"
    if out="$(cd "${tmp}" && "${BUF}" lint 2>&1)"; then
      fail "a message named visit_lint_check passed buf lint"
    elif grep -q 'visit_lint_check' <<<"${out}"; then
      pass "a message named visit_lint_check fails buf lint, named"
    else
      fail "buf lint of the copy failed for another reason:"$'\n'"${out}"
    fi
    ;;
  breaking)
    if [[ ! -s ${BASELINE} ]]; then
      fail "no baseline ${BASELINE}: make it with $0 baseline REV"
      finish
    fi
    if out="$(cd "${REPO_ROOT}" && "${BUF}" breaking --against "${BASELINE}" 2>&1)"; then
      pass "buf breaking: proto/ is compatible with the released protos (FILE rules)"
    else
      fail "buf breaking against ${BASELINE#"${REPO_ROOT}"/} (fields are only ever added; docs/events.md):"$'\n'"${out}"
    fi
    # The same check on a copy: an added field passes, a removed one fails.
    cp -r "${REPO_ROOT}/proto" "${REPO_ROOT}/buf.yaml" "${tmp}/"
    events="${tmp}/proto/lov/registry/v1/events.proto"
    sed -i 's/^  string request_fingerprint = 6;$/&\n  string added_for_the_check = 900;/' "${events}"
    if ! grep -q 'added_for_the_check = 900' "${events}"; then
      fail "the check's anchor 'string request_fingerprint = 6;' is no longer in lov/registry/v1/events.proto"
    elif out="$(cd "${tmp}" && "${BUF}" breaking --against "${BASELINE}" 2>&1)"; then
      pass "a field added to RegistryEvent passes buf breaking"
    else
      fail "a field added to RegistryEvent should pass buf breaking:"$'\n'"${out}"
    fi
    sed -i '/^  string request_id = 5;$/d' "${events}"
    if grep -q 'string request_id = 5;' "${events}"; then
      fail "could not remove RegistryEvent.request_id from the copy"
    elif out="$(cd "${tmp}" && "${BUF}" breaking --against "${BASELINE}" 2>&1)"; then
      fail "RegistryEvent.request_id removed, and buf breaking passed"
    elif grep -q 'field "5" with name "request_id" on message "RegistryEvent" was deleted' <<<"${out}"; then
      pass "RegistryEvent.request_id removed: buf breaking fails naming the deleted field"
    else
      fail "RegistryEvent.request_id removed: buf breaking failed for another reason:"$'\n'"${out}"
    fi
    ;;
  baseline)
    rev="${2:-HEAD}"
    mkdir -p "${tmp}/src"
    if ! git -C "${REPO_ROOT}" archive "${rev}" proto | tar -x -C "${tmp}/src"; then
      fail "git archive ${rev} proto failed"
      finish
    fi
    cp "${REPO_ROOT}/buf.yaml" "${tmp}/src/"
    mkdir -p "$(dirname "${BASELINE}")"
    if (cd "${tmp}/src" && "${BUF}" build --exclude-source-info -o "${tmp}/lov-v1.binpb") &&
      mv "${tmp}/lov-v1.binpb" "${BASELINE}"; then
      pass "wrote ${BASELINE#"${REPO_ROOT}"/} from the protos of ${rev}"
    else
      fail "buf build of the protos of ${rev} failed"
    fi
    ;;
  *)
    echo "usage: $0 lint | breaking | baseline [REV]" >&2
    exit 2
    ;;
esac
finish
