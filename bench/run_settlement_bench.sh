#!/usr/bin/env bash
# Settles a Stockholm-sized month with the settlement domain and, in the same
# run, with PostgreSQL by SQL over the same visits; prints time and memory
# side by side and checks the totals agree to the öre.
#
#   bench/run_settlement_bench.sh [build-dir] [extra settlement_bench flags]
#
# Starts a throwaway PostgreSQL cluster (initdb + pg_ctl, Debian packages
# postgresql and libpq-dev) in a temporary directory on a free port and
# removes it afterwards. As root the cluster runs as the `postgres` user.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build-settlement}"
shift || true
bench="$build/bench/settlement_bench"
if [[ ! -x "$bench" ]]; then
  echo "build it first: ninja -C $build settlement_bench" >&2
  exit 2
fi

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [[ -z "$pg_bin" ]]; then
  echo "PostgreSQL is not installed (apt-get install postgresql libpq-dev)" >&2
  exit 2
fi

run_as=()
if [[ "$(id -u)" == 0 ]]; then run_as=(runuser -u postgres --); fi

dir="$(mktemp -d /tmp/settlement-bench-pg.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
if [[ ${#run_as[@]} -gt 0 ]]; then chown postgres "$dir"; fi
cleanup() {
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${run_as[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w \
  -o "-p $port -k $dir -c listen_addresses='' -c shared_buffers=512MB -c fsync=off" \
  start >/dev/null

echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on $dir:$port"
"$bench" --pg="host=$dir port=$port user=postgres dbname=postgres" "$@"
