# The chaos suite's last promise (issue 15): each service's Redis state
# equals a clean rebuild from Kafka. Sourced by tests/chaos/run.sh after
# faults.sh, once the load has stopped. For each service with Redis state,
# in turn: its keys are summarised (state_dump.lua: one line per key with a
# digest of its normalised content), every running replica of the service
# is stopped (SIGTERM: a replica left running would exit on finding its
# state gone, or write into the rebuild), its keys are deleted, it is
# started again (it rebuilds by replaying its topics from the beginning),
# then the other replicas that ran are started again, and the state is
# summarised again once all are ready. A key that
# only one of the two states holds, or holds with other content, counts as
# a difference; the lists are kept in $RUN_DIR/rebuild/ (NAME.diff), with
# the content of the first few of them before and after (NAME.differences).
# shellcheck shell=bash

REBUILD_SERVICES=(registry choice visits settlement audit followup)
REBUILD_DIR="${RUN_DIR}/rebuild"
STATE_DUMP_LUA="${REPO_ROOT}/tests/chaos/state_dump.lua"

# Keys a rebuild rightly does not reproduce, as regular expressions over
# "<key> " after the service's prefix:
#   seen:              the live consumer's record of the event ids it handled
#                      (dedupe of redeliveries, expiring); a rebuild replays
#                      each partition once, in order, and records none;
#   instance:          visits' lease of the running process, by its id;
#   offsets:reactions  where choice's reactions to registry events resume;
#                      they keep no state, so a rebuild does not replay them:
#                      they resume from the consumer group's offsets and
#                      store their own with the next event.
REBUILD_IGNORED=('seen:' 'instance:' 'offsets:reactions ')

state_dump() { # NAME FILE: "<key> <type> <digest>" per key of NAME's state
  redis_cli --no-auth-warning EVAL "$(<"${STATE_DUMP_LUA}")" 0 dump "lov:$1:" |
    { if ((${#REBUILD_IGNORED[@]} > 0)); then
      grep -Ev "^lov:$1:($(
        IFS='|'
        echo "${REBUILD_IGNORED[*]}"
      ))"
    else cat; fi; } >"$2"
}

state_wipe() { # NAME: deletes NAME's keys; prints how many
  redis_cli --no-auth-warning EVAL "$(<"${STATE_DUMP_LUA}")" 0 wipe "lov:$1:"
}

state_lua() { # MODE ARG
  redis_cli --no-auth-warning EVAL "$(<"${STATE_DUMP_LUA}")" 0 "$1" "$2"
}

# The content of the first few keys that differ, before and after, for
# whoever reads the run dir; the copies of the state before are deleted.
show_differences() { # NAME
  local key
  cut -d' ' -f2 "${REBUILD_DIR}/$1.diff" | sort -u | head -n 5 | while read -r key; do
    printf '=== %s\n--- before:\n' "${key}"
    state_lua show "chaos-before:${key}"
    printf '\n--- after the rebuild:\n'
    state_lua show "${key}"
    printf '\n'
  done >"${REBUILD_DIR}/$1.differences" 2>&1 || true
  state_lua wipe "chaos-before:lov:$1:" >/dev/null || true
}

# The state stops changing once the service has caught up: two dumps 2 s
# apart that agree (at most 30 s).
settled_dump() { # NAME FILE
  local deadline=$((SECONDS + 30))
  state_dump "$1" "$2"
  while ((SECONDS < deadline)); do
    sleep 2
    state_dump "$1" "$2.next"
    if cmp -s "$2" "$2.next"; then
      rm -f "$2.next"
      return 0
    fi
    mv "$2.next" "$2"
  done
  note "rebuild: the state of $1 was still changing after 30 s"
}

# Whether process AS runs (kill -0 also succeeds for a zombie, which a
# PID 1 that does not reap orphans leaves behind: stack.sh counts it dead).
running() { # AS
  local stat
  { read -r stat <"/proc/$(pid_of "$1")/stat"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  [[ ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

# The other replicas of NAME that run (NAME-2, NAME-kept: faults.sh's
# start_replica), one a line.
running_replicas() { # NAME
  local f as
  for f in "${RUN_DIR}/pids/$1"-*.pid; do
    [[ -e ${f} ]] || continue
    as="$(basename "${f}" .pid)"
    if running "${as}" && [[ -e "${RUN_DIR}/replicas/${as}" ]]; then echo "${as}"; fi
  done
}

# Compares NAME's state with a clean rebuild; prints the number of keys
# that differ and writes NAME.diff (the differing keys, "<" before, ">" after).
compare_with_rebuild() { # NAME
  local name="$1" wiped as
  local -a replicas=()
  settled_dump "${name}" "${REBUILD_DIR}/${name}.before"
  mapfile -t replicas < <(running_replicas "${name}")
  for as in ${replicas[@]+"${replicas[@]}"} "${name}"; do
    "${STACK}" stop-service "${as}" >>"${REBUILD_DIR}/stack.log" 2>&1 || true
    if running "${as}"; then
      note "rebuild: ${as} still runs after stop-service; not wiping ${name}'s keys"
      echo 1
      return
    fi
  done
  ((${#replicas[@]} == 0)) || note "rebuild: stopped ${name} and its replicas ${replicas[*]}"
  # As the service left it (a stop stores its offsets once more).
  state_dump "${name}" "${REBUILD_DIR}/${name}.before"
  state_lua save "lov:${name}:" >/dev/null
  wiped="$(state_wipe "${name}")"
  start_service "${name}" "${name}"
  if ! wait_ready "${name}"; then
    note "rebuild: ${name} did not become ready after its keys were wiped"
    echo 1
    return
  fi
  # The other replicas once the state is rebuilt (each would otherwise
  # rebuild it too).
  for as in ${replicas[@]+"${replicas[@]}"}; do
    restart_replica "${as}"
    if ! wait_ready "${as}" "$(replica_metrics_port "${as}")"; then
      note "rebuild: replica ${as} did not become ready again"
      echo 1
      return
    fi
  done
  settled_dump "${name}" "${REBUILD_DIR}/${name}.after"
  diff "${REBUILD_DIR}/${name}.before" "${REBUILD_DIR}/${name}.after" |
    grep '^[<>]' >"${REBUILD_DIR}/${name}.diff" || true
  local differ
  differ="$(cut -d' ' -f2 "${REBUILD_DIR}/${name}.diff" | sort -u | wc -l)"
  show_differences "${name}"
  note "rebuild: ${name}: ${wiped} keys wiped, $(wc -l <"${REBUILD_DIR}/${name}.after") rebuilt, ${differ} differ"
  echo "${differ}"
}

# Every service in turn; writes $REBUILD_DIR/summary.txt and prints the
# total number of keys that differ.
compare_all_with_rebuilds() {
  mkdir -p "${REBUILD_DIR}"
  local name n total=0
  : >"${REBUILD_DIR}/summary.txt"
  for name in "${REBUILD_SERVICES[@]}"; do
    n="$(compare_with_rebuild "${name}")"
    total=$((total + n))
    printf '  %s: %s keys differ from a clean rebuild\n' "${name}" "${n}" \
      >>"${REBUILD_DIR}/summary.txt"
    if ((n > 0)); then
      cut -d' ' -f1,2 "${REBUILD_DIR}/${name}.diff" | head -n 6 |
        sed 's/^</    only or other before:/; s/^>/    only or other after: /' \
          >>"${REBUILD_DIR}/summary.txt"
    fi
  done
  echo "${total}"
}
