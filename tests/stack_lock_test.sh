#!/usr/bin/env bash
# The local stack's daemons hold no lock of the caller (deploy/local/stack.sh,
# close_inherited_fds): the integration tests run as
#   flock /tmp/lov-test.lock ctest ...
# and flock hands its locked fd to ctest, ctest to stack.sh, and stack.sh (as
# it did) to Redis and Kafka. A ctest killed while its stack ran then left
# the lock held by orphaned daemons, and every later test run waited forever.
# Here a scratch lock stands in for /tmp/lov-test.lock and a shell for ctest:
#   1. flock holds the scratch lock and runs the shell, which brings up a
#      Kafka and Redis of their own (private run dir, free ports) and a
#      service (start-service), then waits;
#   2. the shell is killed with -9, as a killed ctest would be, so flock exits;
#   3. the daemons still run, and the scratch lock is free: no daemon holds an
#      fd of the lock file, and a second flock gets it at once;
#   4. the run dir's own lock (.lock, fd 9 of stack.sh) is free between two
#      stack.sh commands, and `stack.sh down` still stops everything.
# Starts Kafka: run it under the test lock like every integration test.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
stack="${repo}/deploy/local/stack.sh"
run_dir="$(mktemp -d /tmp/lov-stack-lock.XXXXXX)"
lock="${run_dir}/scratch.lock"
failures=0
holder=""

pass() { printf 'PASS: %s\n' "$*"; }
fail() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}
cleanup() {
  [[ -z ${holder} ]] || kill -KILL "${holder}" 2>/dev/null || true
  LOV_RUN_DIR="${run_dir}" "${stack}" down --wipe >/dev/null 2>&1 || true
  rm -rf "${run_dir}"
}
trap cleanup EXIT

# A live process (a zombie is dead: PID 1 here may not reap orphans).
alive() { # PID
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  [[ ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

# The fds of PID that point at FILE (none, if it holds no lock of it).
fds_on() { # PID FILE
  local fd
  for fd in /proc/"$1"/fd/*; do
    [[ "$(readlink "${fd}" 2>/dev/null)" == "$2" ]] && printf '%s ' "${fd##*/}"
  done
  return 0
}

# 1. The stack started by a "ctest" that holds the scratch lock.
export LOV_RUN_DIR="${run_dir}" LOV_REDIS_PORT=auto LOV_KAFKA_PORT=auto LOV_KAFKA_CONTROLLER_PORT=auto
flock "${lock}" bash -c '
  "$1" up >"$2/stack-up.log" 2>&1 || exit 1
  "$1" start-service sleeper -- sleep 600 >>"$2/stack-up.log" 2>&1 || exit 1
  touch "$2/stack-is-up"
  exec sleep 600' stack-lock-test "${stack}" "${run_dir}" &
flock_pid=$!
deadline=$((SECONDS + 180))
until [[ -e "${run_dir}/stack-is-up" ]]; do
  if ! alive "${flock_pid}" || ((SECONDS >= deadline)); then
    cat "${run_dir}/stack-up.log" 2>/dev/null || true
    echo "FAIL: the stack did not come up"
    exit 1
  fi
  sleep 0.5
done
holder="$(pgrep -P "${flock_pid}" | head -n 1)"
[[ -n ${holder} ]] || {
  echo "FAIL: flock ran no child"
  exit 1
}

# 2. The "ctest" killed; flock, its parent, exits with it.
kill -KILL "${holder}"
wait "${flock_pid}" 2>/dev/null || true
holder=""

# 3. The daemons run on and hold nothing of the scratch lock.
for name in redis kafka sleeper; do
  pid="$(cat "${run_dir}/pids/${name}.pid")"
  if ! alive "${pid}"; then
    fail "${name} (pid ${pid}) is not running after the caller was killed"
    continue
  fi
  held="$(fds_on "${pid}" "${lock}")"
  if [[ -z ${held} ]]; then
    pass "${name} (pid ${pid}) holds no fd of the caller's lock"
  else
    fail "${name} (pid ${pid}) holds the caller's lock on fd ${held}"
  fi
  held="$(fds_on "${pid}" "${run_dir}/.lock")"
  if [[ -z ${held} ]]; then
    pass "${name} (pid ${pid}) holds no fd of the run dir's lock"
  else
    fail "${name} (pid ${pid}) holds the run dir's lock on fd ${held}"
  fi
done
if flock -n "${lock}" true; then
  pass "the caller's lock is free once the caller is gone, with the stack still up"
else
  fail "the caller's lock is still held after the caller was killed (by the stack's daemons)"
fi

# 4. The run dir's lock is free between commands, and down stops everything.
if flock -n "${run_dir}/.lock" true; then
  pass "the run dir's lock is free between two stack.sh commands"
else
  fail "the run dir's lock is held with no stack.sh running"
fi
pids=()
for name in redis kafka sleeper; do pids+=("$(cat "${run_dir}/pids/${name}.pid")"); done
if "${stack}" down >"${run_dir}/stack-down.log" 2>&1; then
  left=()
  for pid in "${pids[@]}"; do ! alive "${pid}" || left+=("${pid}"); done
  if ((${#left[@]} == 0)); then
    pass "stack.sh down stopped Redis, Kafka and the service"
  else
    fail "still running after stack.sh down: ${left[*]}"
  fi
else
  cat "${run_dir}/stack-down.log"
  fail "stack.sh down failed"
fi

((failures == 0)) || {
  echo "${failures} check(s) failed"
  exit 1
}
echo "all checks passed"
