#!/usr/bin/env bash
# Validates UBL self-billed invoices and credit notes (the root element picks
# the rules) with the official OpenPEPPOL rules (Peppol BIS Self-Billing 3.0):
# PeppolValidate.java run on the jars deploy/install.sh put in
# $LOV_TOOLS_DIR/peppol-rules-<version>/ (default <repo>/.tools). The class is
# compiled once per source hash into that folder.
#   deploy/validators/peppol-validate.sh FILE...
# Exit 0: valid (warnings are printed); 1: errors; 2: usage; 3: not installed.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
TOOLS_DIR="${LOV_TOOLS_DIR:-${REPO_ROOT}/.tools}"
POM="${SCRIPT_DIR}/pom.xml"
SRC="${SCRIPT_DIR}/PeppolValidate.java"
version="$(sed -n 's:.*<phive\.rules\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</phive\.rules\.version>.*:\1:p' "${POM}" | head -n 1)"
jars="${TOOLS_DIR}/peppol-rules-${version}"
if [[ ! -f "${jars}/phive-rules-peppol-${version}.jar" ]]; then
  echo "the Peppol rules ${version} are not in ${jars}: run deploy/install.sh" >&2
  exit 3
fi
hash="$(sha256sum "${SRC}" | cut -c1-16)"
classes="${jars}/classes-${hash}"
if [[ ! -f "${classes}/PeppolValidate.class" ]]; then
  tmp="$(mktemp -d "${jars}/.classes.XXXXXX")"
  javac -nowarn -encoding UTF-8 -d "${tmp}" -cp "${jars}/*" "${SRC}" >&2
  mv -T "${tmp}" "${classes}" 2>/dev/null || rm -rf "${tmp}"  # another run won
fi
exec java -Xshare:auto -Xmx512m -cp "${jars}/*:${classes}" PeppolValidate "$@"
