#!/usr/bin/env bash
# What the dev overlay (k8s/overlays/dev) needs before `kubectl apply -k`, so
# that its services run signed in as in production, with development keys:
#   - a development token issuer (auth::DevIssuer, the one `make run` uses):
#     its EC key DIR/dev-issuer.jwk (0600, stays with the developer) and its
#     public key set DIR/dev-jwks.json, which becomes the ConfigMap
#     lov-oidc-jwks (key jwks.json) that every service checks tokens against
#     (issuer lov-dev-issuer, set by the overlay);
#   - the Secret lov-choice-secrets (pnr-hmac-key, pnr-encryption-key) and
#     lov-registry-secrets (provider-id-key), each key 32 random bytes as 64
#     hex digits;
#   - the Secret lov-redis-users: Redis's ACL file and every user's password
#     (deploy/redis/users-acl.sh DIR/redis-users), which Redis and every
#     service pod require, as in production.
# Everything is made once and kept in DIR (0700): what the keys key lives on
# in the topics, so running the script again re-applies the same values.
# Keys go to kubectl in a manifest on standard input, never on a command line.
#
#   k8s/dev-secrets.sh [DIR]           make (or reuse) and apply to namespace lov
#   k8s/dev-secrets.sh --print [DIR]   make (or reuse) and print the manifests
#
# DIR defaults to <repo>/.run/k8s-dev. Environment: LOV_K8S_NAMESPACE (default
# lov), KUBECTL (default kubectl), LOVCTL (default <repo>/build/tools/lovctl/lovctl,
# which makes the issuer's key). Afterwards, sign in to the dev cluster with
#   LOV_DEV_ISSUER_KEY=DIR/dev-issuer.jwk lovctl login --role ROLE
# Never for a production cluster: whoever holds DIR/dev-issuer.jwk can sign
# in as anyone (production: the municipality's IdP, deploy/README.md).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
PRINT=0
if [[ ${1:-} == --print ]]; then
  PRINT=1
  shift
fi
DIR="${1:-${REPO_ROOT}/.run/k8s-dev}"
NAMESPACE="${LOV_K8S_NAMESPACE:-lov}"
KUBECTL="${KUBECTL:-kubectl}"
LOVCTL="${LOVCTL:-${REPO_ROOT}/build/tools/lovctl/lovctl}"

die() {
  printf 'dev-secrets: error: %s\n' "$*" >&2
  exit 1
}

umask 077
mkdir -p "${DIR}"
chmod 700 "${DIR}"

# A key of 64 hex digits (no newline: an environment variable takes the
# Secret's bytes as they are), made once.
key_file() { # FILE
  if [[ ! -s $1 ]]; then
    command -v openssl >/dev/null || die "openssl is needed to make $1"
    printf '%s' "$(openssl rand -hex 32)" >"$1"
  fi
  [[ $(<"$1") =~ ^[0-9a-f]{64}$ ]] || die "$1 does not hold 64 hex digits; delete it to make a new key"
}
key_file "${DIR}/pnr-hmac.key"
key_file "${DIR}/pnr-encryption.key"
key_file "${DIR}/provider-id.key"
# The Redis ACL users: passwords made once (kept if they exist), users.acl
# written again.
"${REPO_ROOT}/deploy/redis/users-acl.sh" "${DIR}/redis-users" >/dev/null

# The issuer: lovctl makes the key on the first run and writes the public set.
if [[ ! -s ${DIR}/dev-issuer.jwk || ! -s ${DIR}/dev-jwks.json ]]; then
  [[ -x ${LOVCTL} ]] || die "no lovctl at ${LOVCTL} to make the issuer's key; build it (cmake --build build --target lovctl) or set LOVCTL"
  "${LOVCTL}" login --issuer-key="${DIR}/dev-issuer.jwk" --write-jwks="${DIR}/dev-jwks.json" >/dev/null
fi
if grep -q '"d"' "${DIR}/dev-jwks.json"; then
  die "${DIR}/dev-jwks.json holds a private key; delete it and run again"
fi

b64() { base64 -w0 <"$1"; }
indent() { sed 's/^/    /'; }

manifests() {
  cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: lov-oidc-jwks
  namespace: ${NAMESPACE}
  labels:
    app.kubernetes.io/part-of: lov
data:
  jwks.json: |
$(indent <"${DIR}/dev-jwks.json")
---
apiVersion: v1
kind: Secret
metadata:
  name: lov-choice-secrets
  namespace: ${NAMESPACE}
  labels:
    app.kubernetes.io/part-of: lov
type: Opaque
data:
  pnr-hmac-key: $(b64 "${DIR}/pnr-hmac.key")
  pnr-encryption-key: $(b64 "${DIR}/pnr-encryption.key")
---
apiVersion: v1
kind: Secret
metadata:
  name: lov-registry-secrets
  namespace: ${NAMESPACE}
  labels:
    app.kubernetes.io/part-of: lov
type: Opaque
data:
  provider-id-key: $(b64 "${DIR}/provider-id.key")
---
apiVersion: v1
kind: Secret
metadata:
  name: lov-redis-users
  namespace: ${NAMESPACE}
  labels:
    app.kubernetes.io/part-of: lov
type: Opaque
data:
EOF
  local f
  for f in "${DIR}/redis-users/users.acl" "${DIR}"/redis-users/*.password; do
    printf '  %s: %s\n' "$(basename "${f}")" "$(b64 "${f}")"
  done
}

if ((PRINT == 1)); then
  manifests
  exit 0
fi
command -v "${KUBECTL}" >/dev/null || die "no ${KUBECTL}; --print writes the manifests instead"
manifests | "${KUBECTL}" apply -f -
printf 'dev-secrets: applied to namespace %s; sign in with LOV_DEV_ISSUER_KEY=%s lovctl login --role ROLE\n' \
  "${NAMESPACE}" "${DIR}/dev-issuer.jwk" >&2
