#!/usr/bin/env bash
# docs/asyncapi.yaml against the AsyncAPI parser (@asyncapi/parser, pinned by
# tests/contracts/asyncapi/package-lock.json, installed by deploy/install.sh
# into $LOV_TOOLS_DIR/asyncapi) and against the deployment's topics and the
# events protos (asyncapi_check.mjs); then shows that both checks fail: a copy
# with an invalid server protocol, and a copy without VisitVoided.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail

# shellcheck source=tests/contracts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PARSER_DIR="${LOV_TOOLS_DIR}/asyncapi"
CHECK="${REPO_ROOT}/tests/contracts/asyncapi_check.mjs"
DOCUMENT="${REPO_ROOT}/docs/asyncapi.yaml"

require_tool -f "${PARSER_DIR}/node_modules/@asyncapi/parser/package.json" \
  "no AsyncAPI parser in ${PARSER_DIR}: run deploy/install.sh (npm ci of tests/contracts/asyncapi)"
if ! command -v node >/dev/null 2>&1; then
  fail "node not found: run deploy/install.sh (Debian's nodejs)"
  finish
fi

scratch_dir asyncapi-check

if node "${CHECK}" "${PARSER_DIR}" "${REPO_ROOT}" "${DOCUMENT}" >"${tmp}/out" 2>&1; then
  pass "docs/asyncapi.yaml: $(tail -n 1 "${tmp}/out") (valid, every topic and event type)"
else
  grep -v '^ok: ' "${tmp}/out"
  fail "docs/asyncapi.yaml (the lines above)"
fi

sed 's/^    protocol: kafka-secure$/    protocol: 17/' "${DOCUMENT}" >"${tmp}/invalid.yaml"
if node "${CHECK}" "${PARSER_DIR}" "${REPO_ROOT}" "${tmp}/invalid.yaml" >"${tmp}/out" 2>&1; then
  fail "a document with a numeric server protocol passed the parser"
elif grep -q 'FAILED: .*/servers/local/protocol' "${tmp}/out"; then
  pass "a numeric server protocol: the parser refuses it, naming /servers/local/protocol"
else
  fail "a numeric server protocol failed for another reason: $(cat "${tmp}/out")"
fi

sed '/^      VisitVoided:$/,+1d' "${DOCUMENT}" >"${tmp}/missing.yaml"
if node "${CHECK}" "${PARSER_DIR}" "${REPO_ROOT}" "${tmp}/missing.yaml" >"${tmp}/out" 2>&1; then
  fail "a document whose visits channel lacks VisitVoided passed"
elif grep -q 'FAILED: se.lov.visits.v1.VisitVoided ' "${tmp}/out"; then
  pass "a document without VisitVoided in lov.visits.events.v1 fails, naming it"
else
  fail "a document without VisitVoided failed for another reason: $(grep -v '^ok: ' "${tmp}/out")"
fi
finish
