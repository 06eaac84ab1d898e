#!/usr/bin/env bash
# The local certificate authority and the certificates of `make run` and the
# integration tests, made with OpenSSL:
#
#   deploy/local/certs.sh DIR [IDENTITY...]
#
#   DIR/ca.crt, ca.key          the local CA; clients trust it (LOV_TLS_CA) and
#                               the services verify client certificates with
#                               it (--tls-client-ca)
#   DIR/server.crt, server.key  every service's gRPC port (--tls-cert,
#                               --tls-key): DNS localhost and the service names
#                               (registry, choice, visits, settlement, console,
#                               audit),
#                               IP 127.0.0.1
#   DIR/kafka.crt, kafka.key    the local Kafka broker's SASL_SSL listener (DNS
#                               localhost, IP 127.0.0.1) and its client
#                               certificate on its own controller listener (CN
#                               lov-kafka, a super user); DIR/kafka.pem is the
#                               two in one file, the broker's PEM key store
#   DIR/clients/KIND-NAME.crt   a client certificate (and .key) per identity
#                               KIND:NAME, named by its subject CN and by the
#                               URI SAN urn:lov:KIND:NAME:
#     service:<name>            each service, for calls between services
#     system:simulator          the demo municipality (tools/simulator)
#     system:lovctl             lovctl, for `make run`'s user
#     system:test               the integration tests and benchmarks
#     provider:<provider id>    each demo provider's time-reporting system
#                               (the providers of tools/simulator/town.cc)
#     IDENTITY...               any more given on the command line
#
# Idempotent: a file that exists, chains to the CA, belongs to its key, names
# what it should and stays valid for 30 more days is kept; anything else is
# made again (a new CA makes every certificate new). Keys are 0600. For local
# use only: production certificates come from cert-manager (deploy/README.md).
set -euo pipefail

SERVICES=(registry choice visits settlement console audit followup)
DEMO_PROVIDERS=(prv-2120000209 prv-5567889984 prv-5565541645 prv-5566100201
  prv-5567080311 prv-5590123450)
CA_DAYS=3650
LEAF_DAYS=825
KEEP_SECONDS=$((30 * 24 * 3600))
ORG="LOV local development"

die() {
  printf 'certs: error: %s\n' "$*" >&2
  exit 1
}

(($# >= 1)) || die "usage: certs.sh DIR [IDENTITY...] (see the comment at the top)"
command -v openssl >/dev/null 2>&1 || die "openssl not found; run deploy/install.sh"
DIR="$1"
shift
identities=()
for s in "${SERVICES[@]}"; do identities+=("service:${s}"); done
identities+=(system:simulator system:lovctl system:test)
for p in "${DEMO_PROVIDERS[@]}"; do identities+=("provider:${p}"); done
for i in "$@"; do
  [[ ${i} =~ ^[a-z][a-z-]*:[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
    die "identity '${i}' is not KIND:NAME (e.g. provider:prv-5565541645)"
  identities+=("${i}")
done

mkdir -p "${DIR}/clients"
WORK="$(mktemp -d "${DIR}/.tmp.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT
# One writer at a time (make run and a test run may share nothing, but two
# `stack.sh up` on one run dir could race).
exec 8>"${DIR}/.lock"
flock 8

# OpenSSL reads no system configuration; the extensions are all here.
cat >"${WORK}/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
[lov_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[lov_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = ${ENV::LOV_EKU}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = ${ENV::LOV_SAN}
EOF
export OPENSSL_CONF="${WORK}/openssl.cnf" LOV_SAN="" LOV_EKU=""

made=0 kept=0

# BASE (path without .crt/.key) is valid, allows every extended key usage given
# (serverAuth,clientAuth) and names every SAN given.
valid() { # BASE EXTENDED_KEY_USAGE SAN...
  local base="$1" crt="$1.crt" key="$1.key" eku="$2" names usages u
  shift 2
  [[ -s ${crt} && -s ${key} ]] || return 1
  openssl x509 -in "${crt}" -noout -checkend "${KEEP_SECONDS}" >/dev/null 2>&1 || return 1
  [[ "$(openssl x509 -in "${crt}" -noout -pubkey 2>/dev/null)" == \
    "$(openssl pkey -in "${key}" -pubout 2>/dev/null)" ]] || return 1
  if [[ ${base} != "${DIR}/ca" ]]; then
    openssl verify -CAfile "${DIR}/ca.crt" "${crt}" >/dev/null 2>&1 || return 1
    usages="$(openssl x509 -in "${crt}" -noout -ext extendedKeyUsage 2>/dev/null | tail -n +2)"
    for u in ${eku//,/ }; do
      case "${u}" in
        serverAuth) [[ ${usages} == *"TLS Web Server Authentication"* ]] || return 1 ;;
        clientAuth) [[ ${usages} == *"TLS Web Client Authentication"* ]] || return 1 ;;
      esac
    done
    names="$(openssl x509 -in "${crt}" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' ')"
    local san
    for san in "$@"; do
      [[ ",${names}," == *",${san/IP:/IPAddress:},"* ]] || return 1
    done
  fi
  chmod 0600 "${key}"
}

# Puts the new key (0600) and certificate in place as BASE.key and BASE.crt.
install_pair() { # BASE
  chmod 0600 "${WORK}/new.key"
  chmod 0644 "${WORK}/new.crt"
  mv -f "${WORK}/new.key" "$1.key"
  mv -f "${WORK}/new.crt" "$1.crt"
  made=$((made + 1))
}

new_key() {
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "${WORK}/new.key" 2>/dev/null) || die "openssl genpkey failed"
}

ensure_ca() {
  if valid "${DIR}/ca" ""; then
    kept=$((kept + 1))
    return
  fi
  new_key
  openssl req -new -x509 -key "${WORK}/new.key" -subj "/O=${ORG}/CN=LOV local CA" \
    -days "${CA_DAYS}" -extensions lov_ca -out "${WORK}/new.crt" 2>"${WORK}/err" ||
    die "making the CA failed: $(cat "${WORK}/err")"
  install_pair "${DIR}/ca"
}

ensure_leaf() { # BASE CN EXTENDED_KEY_USAGE SAN...
  local base="$1" cn="$2" eku="$3"
  shift 3
  if valid "${base}" "${eku}" "$@"; then
    kept=$((kept + 1))
    return
  fi
  new_key
  local IFS=,
  LOV_SAN="$*" LOV_EKU="${eku}" openssl req -new -key "${WORK}/new.key" -subj "/O=${ORG}/CN=${cn}" \
    -out "${WORK}/new.csr" 2>"${WORK}/err" || die "certificate request for ${cn} failed: $(cat "${WORK}/err")"
  LOV_SAN="$*" LOV_EKU="${eku}" openssl x509 -req -in "${WORK}/new.csr" -CA "${DIR}/ca.crt" -CAkey "${DIR}/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "${LEAF_DAYS}" \
    -extfile "${OPENSSL_CONF}" -extensions lov_leaf -out "${WORK}/new.crt" 2>"${WORK}/err" ||
    die "signing the certificate for ${cn} failed: $(cat "${WORK}/err")"
  install_pair "${base}"
}

ensure_ca

server_sans=(DNS:localhost)
for s in "${SERVICES[@]}"; do server_sans+=("DNS:${s}"); done
server_sans+=(IP:127.0.0.1)
ensure_leaf "${DIR}/server" "lov-services" serverAuth "${server_sans[@]}"

# Also a client certificate: the broker presents it to its own controller listener.
ensure_leaf "${DIR}/kafka" "lov-kafka" serverAuth,clientAuth DNS:localhost IP:127.0.0.1
(umask 077 && cat "${DIR}/kafka.key" "${DIR}/kafka.crt" >"${WORK}/kafka.pem") &&
  mv -f "${WORK}/kafka.pem" "${DIR}/kafka.pem" || die "writing ${DIR}/kafka.pem failed"

for identity in "${identities[@]}"; do
  ensure_leaf "${DIR}/clients/${identity//:/-}" "${identity}" clientAuth "URI:urn:lov:${identity}"
done

printf 'certs: %d made, %d kept in %s\n' "${made}" "${kept}" "${DIR}" >&2
