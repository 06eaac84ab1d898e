#!/usr/bin/env bash
# Installs what building, testing and running the LOV platform locally needs, and
# skips what is already there (safe to run again; a second run changes nothing):
#   - Debian packages (toolchain, libraries, Redis, a JDK, Maven)
#   - the Apache Kafka broker jars pinned by deploy/kafka/pom.xml, copied by Maven
#     into $LOV_TOOLS_DIR/kafka-<version>/ (default <repo>/.tools, git-ignored)
#   - the OpenPEPPOL validation rules pinned by deploy/validators/pom.xml (tests)
#   - what building and running the container images without a Docker daemon
#     needs: Buildah, Podman with runc, debootstrap (deploy/docker/build-images.sh)
#   - the contract tests' tools (tests/contracts/): buf, grpcurl and
#     protoc-gen-openapiv2 built with Go at pinned versions into
#     $LOV_TOOLS_DIR/bin, the AsyncAPI parser and the OpenAPI validator with
#     npm ci (tests/contracts/{asyncapi,openapi}/package-lock.json) into
#     $LOV_TOOLS_DIR/asyncapi and $LOV_TOOLS_DIR/openapi
# Prints one line per item on stdout: "ok <thing> (present)" or "installed <thing>".
# Progress and errors go to stderr.
set -euo pipefail

# Debian packages. Two are special-cased below: the JDK is skipped when `javac` is
# already on PATH and Maven when `mvn` is (a JDK rather than a JRE, because
# deploy/local/stack.sh compiles deploy/kafka/KafkaAdmin.java against the broker jars).
# libcjose-dev (with libjansson-dev, which its pkg-config file requires, and OpenSSL)
# verifies and signs the OIDC bearer tokens (platform/lov/platform/auth).
# openssl (the command) makes the local CA and certificates (deploy/local/certs.sh).
# libcpp-httplib-dev serves metrics, probes and the console's dashboard (HTTPS too).
# clang with libfuzzer-14-dev (the libFuzzer of Debian 12's clang, version 14)
# builds the fuzz targets (fuzz/fuzz.sh, make fuzz).
# postgresql and libpq-dev: the settlement benchmark's peer (bench/, make
# bench and the bench_smoke test).
# libcli11-dev parses lovctl's command line (tools/lovctl/parser.cc).
# curl (deploy/local/run.sh waits for readiness with it; the chaos and image
# tests call it) and procps (pgrep, pkill) are called by the scripts.
# kcat and jq: the subscriber's commands of docs/events.md (and their test,
# tests/contracts/docs_commands_test.sh); nodejs and npm run the AsyncAPI
# parser that checks docs/asyncapi.yaml (npm is skipped when `npm` is on PATH:
# NodeSource's nodejs carries its own).
# golang-github-gogo-googleapis-dev: google/api/http.proto and annotations.proto
# (proto/google/api/ links to them; the google.api.http option, docs/http.md).
PACKAGES="build-essential cmake ninja-build pkg-config libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler librdkafka-dev libhiredis-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcjose-dev libcurl4-openssl-dev libjansson-dev libssl-dev libcpp-httplib-dev clang libfuzzer-14-dev openssl chromium prometheus clang-format redis-server redis-tools tzdata default-jdk-headless maven buildah podman runc debootstrap python3 python3-yaml libcli11-dev curl procps postgresql libpq-dev kcat jq nodejs npm golang-github-gogo-googleapis-dev"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
KAFKA_POM="${REPO_ROOT}/deploy/kafka/pom.xml"
LOV_TOOLS_DIR="${LOV_TOOLS_DIR:-${REPO_ROOT}/.tools}"

log() { printf 'install: %s\n' "$*" >&2; }
die() {
  printf 'install: error: %s\n' "$*" >&2
  exit 1
}

# Waits for other apt/dpkg runs (other sessions may be installing too) instead of failing.
APT_OPTS=(-o DPkg::Lock::Timeout=600)

if [[ ${EUID} -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  SUDO=()
fi

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

# --- Debian packages ---------------------------------------------------------------

missing=()
for pkg in ${PACKAGES}; do
  case "${pkg}" in
    default-jdk-headless)
      if command -v javac >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
        echo "ok java (present)"
        continue
      fi
      ;;
    maven)
      if command -v mvn >/dev/null 2>&1; then
        echo "ok maven (present)"
        continue
      fi
      ;;
    npm)
      if command -v npm >/dev/null 2>&1; then
        echo "ok npm (present)"
        continue
      fi
      ;;
  esac
  if pkg_installed "${pkg}"; then
    echo "ok ${pkg} (present)"
  else
    missing+=("${pkg}")
  fi
done

if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: ${missing[*]}"
  if [[ ${EUID} -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    die "not root and no sudo; install by hand: ${missing[*]}"
  fi

  redis_was_installed=1
  pkg_installed redis-server || redis_was_installed=0

  # Debian's redis-server package starts its own system service on port 6379 when it
  # is installed. The local stack runs its own Redis (deploy/local/stack.sh) and must
  # neither depend on nor collide with it, so forbid service starts during this
  # install with the standard policy-rc.d hook (unless the system already has one).
  policy_rc=/usr/sbin/policy-rc.d
  own_policy_rc=0
  if [[ ${redis_was_installed} -eq 0 && ! -e ${policy_rc} ]]; then
    printf '#!/bin/sh\n# temporary, written by LOV deploy/install.sh\nexit 101\n' |
      "${SUDO[@]}" tee "${policy_rc}" >/dev/null
    "${SUDO[@]}" chmod 755 "${policy_rc}"
    own_policy_rc=1
    trap '"${SUDO[@]}" rm -f "${policy_rc}"' EXIT
  fi

  log "installing Debian packages: ${missing[*]}"
  log "running apt-get update"
  "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -q >&2 ||
    die "apt-get update failed (see the output above)"
  if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${missing[@]}" >&2; then
    die "apt-get install failed for: ${missing[*]} (see the output above)"
  fi

  if [[ ${own_policy_rc} -eq 1 ]]; then
    "${SUDO[@]}" rm -f "${policy_rc}"
    trap - EXIT
  fi
  # On a machine booted with systemd the package also enables its unit for the next
  # boot; a redis-server we just installed should not come up as a system service.
  if [[ ${redis_was_installed} -eq 0 && -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    "${SUDO[@]}" systemctl disable --now redis-server.service >/dev/null 2>&1 || true
    log "disabled the redis-server system service (the local stack runs its own Redis)"
  fi

  for pkg in "${missing[@]}"; do
    pkg_installed "${pkg}" || die "package ${pkg} is still not installed after apt-get install"
    echo "installed ${pkg}"
  done
fi

# --- Kafka broker jars ---------------------------------------------------------------

[[ -f ${KAFKA_POM} ]] || die "missing ${KAFKA_POM}"
KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka\.version>.*:\1:p' "${KAFKA_POM}" | head -n 1)"
[[ -n ${KAFKA_VERSION} ]] || die "no <kafka.version> property in ${KAFKA_POM}"

kafka_dir="${LOV_TOOLS_DIR}/kafka-${KAFKA_VERSION}"
pom_sum="$(sha256sum "${KAFKA_POM}" | cut -d' ' -f1)"
stamp=".pom.sha256"

# The folder is only ever created by renaming a completely filled temporary folder,
# so its presence (with the stamp of the current pom) means a finished copy.
kafka_complete() {
  [[ -f "${kafka_dir}/kafka_2.13-${KAFKA_VERSION}.jar" &&
    -f "${kafka_dir}/kafka-clients-${KAFKA_VERSION}.jar" &&
    "$(cat "${kafka_dir}/${stamp}" 2>/dev/null || true)" == "${pom_sum}" ]]
}

if kafka_complete; then
  echo "ok kafka ${KAFKA_VERSION} jars (present)"
else
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed to fetch the Kafka jars)"
  mkdir -p "${LOV_TOOLS_DIR}"
  tmp_dir="$(mktemp -d "${LOV_TOOLS_DIR}/.kafka-${KAFKA_VERSION}.tmp.XXXXXX")"
  old_dir=""
  cleanup_kafka() {
    rm -rf "${tmp_dir}"
    [[ -z ${old_dir} ]] || rm -rf "${old_dir}"
  }
  trap cleanup_kafka EXIT
  log "copying the Kafka ${KAFKA_VERSION} broker jars with Maven into ${kafka_dir}"
  if ! mvn -q -B -Dstyle.color=never -f "${KAFKA_POM}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${tmp_dir}" >&2; then
    die "mvn dependency:copy-dependencies failed for ${KAFKA_POM} (see the output above)"
  fi
  [[ -f "${tmp_dir}/kafka_2.13-${KAFKA_VERSION}.jar" ]] ||
    die "Maven did not produce kafka_2.13-${KAFKA_VERSION}.jar in ${tmp_dir}"
  printf '%s\n' "${pom_sum}" >"${tmp_dir}/${stamp}"
  chmod 755 "${tmp_dir}"
  if [[ -e ${kafka_dir} ]]; then
    # A copy made from an older pom: set it aside, then put the new one in place.
    old_dir="$(mktemp -u "${LOV_TOOLS_DIR}/.kafka-${KAFKA_VERSION}.old.XXXXXX")"
    mv -T "${kafka_dir}" "${old_dir}"
  fi
  if ! mv -T "${tmp_dir}" "${kafka_dir}"; then
    kafka_complete || die "could not move ${tmp_dir} to ${kafka_dir}"
    # Another install finished first; its copy is as good as ours.
  fi
  cleanup_kafka
  trap - EXIT
  echo "installed kafka ${KAFKA_VERSION} jars (${kafka_dir})"
fi

# --- Peppol validation rules (settlement Peppol invoice tests) ------------------------

# The official OpenPEPPOL rules (phive-rules-peppol) and the phive engine, pinned by
# deploy/validators/pom.xml, copied by Maven into $LOV_TOOLS_DIR/peppol-rules-<version>/;
# deploy/validators/peppol-validate.sh runs PeppolValidate.java with them.
PEPPOL_POM="${REPO_ROOT}/deploy/validators/pom.xml"
PEPPOL_VERSION="$(sed -n 's:.*<phive\.rules\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</phive\.rules\.version>.*:\1:p' "${PEPPOL_POM}" | head -n 1)"
[[ -n ${PEPPOL_VERSION} ]] || die "no <phive.rules.version> property in ${PEPPOL_POM}"
peppol_dir="${LOV_TOOLS_DIR}/peppol-rules-${PEPPOL_VERSION}"
peppol_sum="$(sha256sum "${PEPPOL_POM}" | cut -d' ' -f1)"
if [[ -f "${peppol_dir}/phive-rules-peppol-${PEPPOL_VERSION}.jar" &&
  "$(cat "${peppol_dir}/.pom.sha256" 2>/dev/null || true)" == "${peppol_sum}" ]]; then
  echo "ok peppol rules ${PEPPOL_VERSION} jars (present)"
else
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed to fetch the Peppol rules)"
  mkdir -p "${LOV_TOOLS_DIR}"
  peppol_tmp="$(mktemp -d "${LOV_TOOLS_DIR}/.peppol-rules.tmp.XXXXXX")"
  log "copying the Peppol rules ${PEPPOL_VERSION} jars with Maven into ${peppol_dir}"
  if ! mvn -q -B -Dstyle.color=never -f "${PEPPOL_POM}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${peppol_tmp}" >&2; then
    rm -rf "${peppol_tmp}"
    die "mvn dependency:copy-dependencies failed for ${PEPPOL_POM} (see the output above)"
  fi
  printf '%s\n' "${peppol_sum}" >"${peppol_tmp}/.pom.sha256"
  chmod 755 "${peppol_tmp}"
  # Filled completely before it takes the final name; an older copy goes.
  rm -rf "${peppol_dir}"
  mv -T "${peppol_tmp}" "${peppol_dir}" || die "could not move ${peppol_tmp} to ${peppol_dir}"
  echo "installed peppol rules ${PEPPOL_VERSION} jars (${peppol_dir})"
fi

# --- pain.001 message schema (settlement payment file tests) -------------------------

# The ISO 20022 pain.001.001.03 XSD as shipped in the PyPI package sepaxml, pinned by
# version and wheel hash, extracted to $LOV_TOOLS_DIR/xsd/ (deploy/validators/
# XsdValidate.java checks the settlement's payment files against it in the tests).
SEPAXML_VERSION=2.7.0
SEPAXML_SHA256=6644f695c66c2bf8f49065d4d7b0814da42140d03292131ec08e09798ad07b5d
pain_xsd="${LOV_TOOLS_DIR}/xsd/pain.001.001.03.xsd"
if [[ -s ${pain_xsd} && "$(cat "${pain_xsd}.version" 2>/dev/null || true)" == "sepaxml-${SEPAXML_VERSION}" ]]; then
  echo "ok pain.001.001.03 XSD (present)"
else
  python3 -m pip --version >/dev/null 2>&1 ||
    die "python3 -m pip not found (needed to fetch the pain.001 XSD from PyPI; apt-get install python3-pip)"
  mkdir -p "${LOV_TOOLS_DIR}/xsd"
  wheel_dir="$(mktemp -d "${LOV_TOOLS_DIR}/.sepaxml.XXXXXX")"
  log "fetching sepaxml ${SEPAXML_VERSION} from PyPI for the pain.001 XSD"
  python3 -m pip download -q --no-deps --only-binary=:all: "sepaxml==${SEPAXML_VERSION}" \
    -d "${wheel_dir}" >&2 || die "pip download sepaxml==${SEPAXML_VERSION} failed (see the output above)"
  wheel="${wheel_dir}/sepaxml-${SEPAXML_VERSION}-py3-none-any.whl"
  [[ "$(sha256sum "${wheel}" | cut -d' ' -f1)" == "${SEPAXML_SHA256}" ]] ||
    die "sepaxml ${SEPAXML_VERSION} wheel does not have the pinned sha256 ${SEPAXML_SHA256}"
  python3 - "${wheel}" "${pain_xsd}.tmp" <<'PY' || die "could not extract pain.001.001.03.xsd"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("sepaxml/schemas/pain.001.001.03.xsd"))
PY
  mv "${pain_xsd}.tmp" "${pain_xsd}"
  printf '%s\n' "sepaxml-${SEPAXML_VERSION}" >"${pain_xsd}.version"
  rm -rf "${wheel_dir}"
  echo "installed pain.001.001.03 XSD (${pain_xsd})"
fi

# --- ghz (gRPC load tool of `make bench`) ----------------------------------------------

# Built from the Go module proxy at a pinned version into $LOV_TOOLS_DIR/bin; the
# stamp file names the version, so a changed pin builds again.
GHZ_VERSION=v0.120.0
ghz_bin="${LOV_TOOLS_DIR}/bin/ghz"
if [[ -x ${ghz_bin} && "$(cat "${ghz_bin}.version" 2>/dev/null || true)" == "${GHZ_VERSION}" ]]; then
  echo "ok ghz ${GHZ_VERSION} (present)"
elif ! command -v go >/dev/null 2>&1; then
  log "note: go not found; ghz (used only by make bench) is not installed"
else
  log "building ghz ${GHZ_VERSION} from the Go module proxy into ${LOV_TOOLS_DIR}/bin"
  mkdir -p "${LOV_TOOLS_DIR}/bin"
  GOBIN="${LOV_TOOLS_DIR}/bin" GOFLAGS=-buildvcs=false \
    go install "github.com/bojand/ghz/cmd/ghz@${GHZ_VERSION}" >&2 ||
    die "go install github.com/bojand/ghz/cmd/ghz@${GHZ_VERSION} failed (see the output above)"
  printf '%s\n' "${GHZ_VERSION}" >"${ghz_bin}.version"
  echo "installed ghz ${GHZ_VERSION} (${ghz_bin})"
fi

# --- buf and grpcurl (the contract tests, tests/contracts/) ---------------------------

# Like ghz: built from the Go module proxy at a pinned version into
# $LOV_TOOLS_DIR/bin, a stamp file naming the version. buf lints the protos and
# checks them against the released ones (buf.yaml); grpcurl calls the services
# through reflection as the README shows (tests/contracts/docs_commands_test.sh).
install_go_tool() { # NAME PACKAGE VERSION
  local name="$1" package="$2" version="$3" bin="${LOV_TOOLS_DIR}/bin/$1"
  if [[ -x ${bin} && "$(cat "${bin}.version" 2>/dev/null || true)" == "${version}" ]]; then
    echo "ok ${name} ${version} (present)"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    # make run works without it; make test's contract tests then fail naming it.
    log "note: go not found; ${name} ${version} (make test's contract tests) is not installed"
    return 0
  fi
  log "building ${name} ${version} from the Go module proxy into ${LOV_TOOLS_DIR}/bin"
  mkdir -p "${LOV_TOOLS_DIR}/bin"
  GOBIN="${LOV_TOOLS_DIR}/bin" GOFLAGS=-buildvcs=false go install "${package}@${version}" >&2 ||
    die "go install ${package}@${version} failed (see the output above)"
  printf '%s\n' "${version}" >"${bin}.version"
  echo "installed ${name} ${version} (${bin})"
}
install_go_tool buf github.com/bufbuild/buf/cmd/buf v1.75.0
install_go_tool grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl v1.9.4
# The protoc plugin that writes the OpenAPI document of the HTTP/JSON API
# from the protos' google.api.http options (docs/http.md, ctest openapi_check).
install_go_tool protoc-gen-openapiv2 \
  github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2 v2.33.0

# --- AsyncAPI parser and OpenAPI validator (tests/contracts/) -------------------------

# A Node package as pinned by tests/contracts/NAME/package-lock.json, with
# `npm ci` into $LOV_TOOLS_DIR/NAME; the stamp is the lock file's hash, so a
# changed pin installs again. @asyncapi/parser checks docs/asyncapi.yaml
# (tests/contracts/asyncapi_check.sh); @apidevtools/swagger-parser the OpenAPI
# document of the HTTP/JSON API (tests/contracts/openapi_check.sh).
install_npm_tool() { # NAME PACKAGE WHAT
  local name="$1" package="$2" what="$3"
  local src="${REPO_ROOT}/tests/contracts/${name}" dir="${LOV_TOOLS_DIR}/${name}" sum tmp
  sum="$(cat "${src}/package.json" "${src}/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [[ -f "${dir}/node_modules/${package}/package.json" &&
    "$(cat "${dir}/.lock.sha256" 2>/dev/null || true)" == "${sum}" ]]; then
    echo "ok ${what} (present)"
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found (needed for the ${what})"
  mkdir -p "${LOV_TOOLS_DIR}"
  tmp="$(mktemp -d "${LOV_TOOLS_DIR}/.${name}.tmp.XXXXXX")"
  cp "${src}/package.json" "${src}/package-lock.json" "${tmp}/"
  log "installing the ${what} with npm ci into ${dir}"
  if ! (cd "${tmp}" && npm ci --ignore-scripts --no-audit --no-fund >&2); then
    rm -rf "${tmp}"
    die "npm ci of ${src}/package-lock.json failed (see the output above)"
  fi
  printf '%s\n' "${sum}" >"${tmp}/.lock.sha256"
  chmod 755 "${tmp}"
  # Filled completely before it takes the final name; an older copy goes.
  rm -rf "${dir}"
  mv -T "${tmp}" "${dir}" || die "could not move ${tmp} to ${dir}"
  echo "installed ${what} (${dir})"
}
install_npm_tool asyncapi @asyncapi/parser "AsyncAPI parser"
install_npm_tool openapi @apidevtools/swagger-parser "OpenAPI validator"

# --- Redis system service ------------------------------------------------------------

if pgrep -x redis-server >/dev/null 2>&1 &&
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "note: a redis-server is running on the default port 6379 (e.g. Debian's service);" \
    "it is left alone, the local stack runs its own Redis (deploy/local/stack.sh)"
fi
