#!/usr/bin/env bash
# The OpenAPI document of the HTTP/JSON API (docs/http.md), generated from the
# protos' google.api.http options by protoc-gen-openapiv2 (pinned, built by
# deploy/install.sh into $LOV_TOOLS_DIR/bin) into BUILD_DIR/openapi/
# lov-http.swagger.json, then validated by @apidevtools/swagger-parser
# (pinned by tests/contracts/openapi/package-lock.json, installed by
# deploy/install.sh into $LOV_TOOLS_DIR/openapi) and checked for the bindings
# providers and regional systems use (openapi_check.mjs); then shows the
# check can fail: a copy with a reference to a definition that does not exist.
# Usage: openapi_check.sh BUILD_DIR
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail

# shellcheck source=tests/contracts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BUILD_DIR="${1:?usage: $0 BUILD_DIR}"
PLUGIN="${LOV_TOOLS_DIR}/bin/protoc-gen-openapiv2"
VALIDATOR_DIR="${LOV_TOOLS_DIR}/openapi"
CHECK="${REPO_ROOT}/tests/contracts/openapi_check.mjs"
OUT="${BUILD_DIR}/openapi"
DOCUMENT="${OUT}/lov-http.swagger.json"

require_tool -x "${PLUGIN}" \
  "no protoc-gen-openapiv2 at ${PLUGIN}: run deploy/install.sh (it builds the pinned plugin with Go)"
require_tool -f "${VALIDATOR_DIR}/node_modules/@apidevtools/swagger-parser/package.json" \
  "no OpenAPI validator in ${VALIDATOR_DIR}: run deploy/install.sh (npm ci of tests/contracts/openapi)"

# The Go plugin wants a Go import path for every file it reads; the protos
# have none (C++ only), and Debian's google/api files name a bare "api".
mkdir -p "${OUT}"
mapping="allow_merge=true,merge_file_name=lov-http"
while IFS= read -r file; do
  mapping+=",M${file}=lov.se/proto/$(dirname "${file}")"
done < <(cd "${REPO_ROOT}/proto" && find . -name '*.proto' | sed 's|^\./||' | sort)
if out="$(cd "${REPO_ROOT}/proto" && protoc --proto_path=. \
  --plugin=protoc-gen-openapiv2="${PLUGIN}" --openapiv2_out="${OUT}" \
  "--openapiv2_opt=${mapping}" lov/visits/v1/visits.proto \
  lov/choice/v1/choice.proto lov/settlement/v1/settlement.proto 2>&1)" &&
  [[ -s ${DOCUMENT} ]]; then
  pass "protoc-gen-openapiv2 wrote ${DOCUMENT}"
else
  fail "protoc-gen-openapiv2 failed:"$'\n'"${out}"
  finish
fi

scratch_dir openapi-check

if node "${CHECK}" "${VALIDATOR_DIR}" "${DOCUMENT}" >"${tmp}/out" 2>&1; then
  pass "the OpenAPI document validates: $(tail -n 1 "${tmp}/out")"
else
  fail "the OpenAPI document: $(cat "${tmp}/out")"
fi

sed 's|"#/definitions/v1ReportOutcome"|"#/definitions/v1NoSuchOutcome"|' "${DOCUMENT}" >"${tmp}/broken.json"
if ! grep -q 'v1NoSuchOutcome' "${tmp}/broken.json"; then
  fail "the check's anchor #/definitions/v1ReportOutcome is no longer in the document"
elif node "${CHECK}" "${VALIDATOR_DIR}" "${tmp}/broken.json" >"${tmp}/out" 2>&1; then
  fail "a document referring to a missing definition passed the validator"
elif grep -q 'FAILED: .*v1NoSuchOutcome' "${tmp}/out"; then
  pass "a reference to a missing definition fails, naming it"
else
  fail "the broken copy failed for another reason: $(cat "${tmp}/out")"
fi
finish
