#!/usr/bin/env bash
# The Redis ACL users of the LOV services, for the local stack
# (deploy/local/stack.sh) and for Kubernetes (the Secret lov-redis-users,
# deploy/README.md "Secrets"):
#
#   deploy/redis/users-acl.sh DIR
#
# makes in DIR (0700) a random password for each user that has none yet,
# DIR/<user>.password (0600), and writes DIR/users.acl, Redis's ACL file
# (aclfile), which holds the passwords' SHA-256 hashes only:
#
#   default          a password nobody knows (made here, never stored): a
#                    client that does not log in can do nothing. Not "off":
#                    Redis 7.0 replays the append-only file as the default
#                    user and, when that user may not run them, drops every
#                    MULTI/EXEC block (scripts' writes are logged as such)
#                    at the next restart (redis/redis#14541)
#   lov-admin        everything: tools, tests, probes, backups
#   lov-replica      what a replica needs to follow its primary
#   lov-<service>    its own keys ("lov:<service>:..." under any --namespace
#                    prefix) with the data, script and transaction
#                    (MULTI/EXEC/DISCARD, WATCH/UNWATCH) commands the
#                    services use, nothing @dangerous (KEYS, FLUSHALL,
#                    CONFIG, ...);
#                    the console only PING (it checks that Redis answers)
#
# Idempotent: existing passwords are kept, users.acl is written again.
set -euo pipefail

SERVICES=(registry choice visits settlement console audit followup)

die() {
  printf 'users-acl: error: %s\n' "$*" >&2
  exit 1
}

(($# == 1)) || die "usage: users-acl.sh DIR (see the comment at the top)"
DIR="$1"
command -v openssl >/dev/null 2>&1 || die "openssl not found; run deploy/install.sh"
(umask 077 && mkdir -p "${DIR}")
chmod 0700 "${DIR}"

# USER -> the SHA-256 of its password (made first if missing), as Redis's #<hash>.
hash_of() {
  local f="${DIR}/$1.password"
  if [[ ! -s ${f} ]]; then
    (umask 077 && openssl rand -hex 24 >"${f}.tmp.$$" && mv -f "${f}.tmp.$$" "${f}") ||
      die "making the password ${f} failed"
  fi
  tr -d '\n' <"${f}" | sha256sum | cut -d' ' -f1
}

tmp="${DIR}/users.acl.tmp.$$"
{
  echo "user default on #$(openssl rand -hex 32 | tr -d '\n' | sha256sum | cut -d' ' -f1) ~* &* +@all"
  echo "user lov-admin on #$(hash_of lov-admin) ~* &* +@all"
  echo "user lov-replica on #$(hash_of lov-replica) -@all +psync +replconf +ping"
  for s in "${SERVICES[@]}"; do
    rules=" +@read +@write +eval +evalsha +script|load +multi +exec +discard +watch +unwatch -@dangerous"
    [[ ${s} != console ]] || rules=""
    echo "user lov-${s} on #$(hash_of "lov-${s}") resetchannels ~lov:${s}:* ~*:lov:${s}:* -@all +@connection${rules}"
  done
} >"${tmp}"
chmod 0600 "${tmp}"
mv -f "${tmp}" "${DIR}/users.acl"
