# The faults of the chaos suite, sourced by tests/chaos/run.sh (which sets
# RUN_DIR, STACK and the port variables, and has started the services with
# deploy/local/run.sh). Each fault is logged with its time in
# $RUN_DIR/faults.log and takes a while; the system is expected to ride it
# out or be restarted by the supervisor (run.sh), as an orchestrator would.
# A service is restarted with exactly the command line it ran with
# (recorded by remember_services) and its key (run.sh's service-keys/).
# shellcheck shell=bash

FAULT_LOG="${RUN_DIR}/faults.log"
HEALTH_LOG="${RUN_DIR}/health.log"
SUPERVISE_LOCK="${RUN_DIR}/supervise.lock"
SERVICE_NAMES=(registry choice visits settlement console audit followup)

note() { printf '%s %s\n' "$(date -u +%FT%TZ)" "$*" | tee -a "${FAULT_LOG}" >&2; }

pid_of() { cat "${RUN_DIR}/pids/$1.pid" 2>/dev/null || echo 0; }
alive() { # NAME: its process exists (not for a name never started: kill -0 0 would succeed)
  local pid
  pid="$(pid_of "$1")"
  [[ ${pid} != 0 ]] && kill -0 "${pid}" 2>/dev/null
}

# Keeps each service's command line (NUL-separated) for its restarts.
remember_services() {
  mkdir -p "${RUN_DIR}/cmd"
  local name
  for name in "${SERVICE_NAMES[@]}"; do
    cp "/proc/$(pid_of "${name}")/cmdline" "${RUN_DIR}/cmd/${name}"
  done
}

flag_of() { # NAME FLAG -> the value of --FLAG=... on NAME's command line
  tr '\0' '\n' <"${RUN_DIR}/cmd/$1" | sed -n "s/^--$2=//p" | head -n 1
}

wait_ready() { # NAME [PORT]: its readiness probe says ready, within 90 s
  local port="${2:-$(flag_of "$1" metrics-port)}" deadline=$((SECONDS + 90))
  until curl -sf --cacert "${LOV_CERTS_DIR}/ca.crt" "https://127.0.0.1:${port}/readyz" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      note "not ready: $1 did not become ready within 90 s"
      return 1
    fi
    sleep 0.5
  done
}

# start_service NAME AS [ARGS...]: NAME's command line (ARGS replacing
# flags of the same name) as process AS, with NAME's key in its environment.
start_service() {
  local name="$1" as="$2" arg flag
  shift 2
  local -a cmd=() extra=("$@")
  mapfile -d '' -t cmd <"${RUN_DIR}/cmd/${name}"
  for arg in "${extra[@]}"; do
    flag="${arg%%=*}"
    for i in "${!cmd[@]}"; do
      [[ ${cmd[i]} == "${flag}="* ]] && cmd[i]="${arg}"
    done
  done
  local -a key_env=()
  case "${name}" in
    choice) key_env=("LOV_PNR_HMAC_KEY=$(<"${RUN_DIR}/service-keys/choice.key")"
      "LOV_PNR_ENCRYPTION_KEY_FILE=${RUN_DIR}/service-keys/choice-pnr-encryption.key") ;;
    registry) key_env=("LOV_PROVIDER_ID_KEY=$(<"${RUN_DIR}/service-keys/registry.key")") ;;
  esac
  # fd 8 is the supervisor's lock: the service must not hold it.
  env ${key_env[@]+"${key_env[@]}"} "${STACK}" start-service "${as}" -- "${cmd[@]}" >/dev/null 8>&-
}

# --- faults -----------------------------------------------------------------------------

kill_service() { # NAME DOWN_SECONDS
  (
    flock 8
    note "fault: kill -9 $1 (pid $(pid_of "$1")), restart after $2 s"
    kill -KILL "$(pid_of "$1")" 2>/dev/null || true
    sleep "$2"
    start_service "$1" "$1"
    wait_ready "$1" && note "recovered: $1 ready again"
  ) 8>"${SUPERVISE_LOCK}"
}

# Another replica of NAME, process AS (NAME-2, ...), on free ports: its
# flags beyond NAME's command line are kept in $RUN_DIR/replicas/AS, so that
# a rebuild (rebuild.sh) can stop it and start it again. Sets REPLICA_GRPC
# and REPLICA_METRICS; does not wait for it.
start_replica() { # NAME AS
  local ports
  mapfile -t ports < <("${STACK}" free-ports 3)
  REPLICA_GRPC="${ports[0]}" REPLICA_METRICS="${ports[1]}"
  mkdir -p "${RUN_DIR}/replicas"
  # --http-port replaces only a flag NAME has (the HTTP/JSON gateway of
  # choice, visits and settlement, docs/http.md): without a port of its
  # own the replica cannot listen and never starts.
  printf '%s\0' "--grpc-port=${REPLICA_GRPC}" "--metrics-port=${REPLICA_METRICS}" \
    "--http-port=${ports[2]}" >"${RUN_DIR}/replicas/$2"
  restart_replica "$2"
}

restart_replica() { # AS: starts replica AS of NAME (AS = NAME-...) again
  local -a extra=()
  mapfile -d '' -t extra <"${RUN_DIR}/replicas/$1"
  start_service "${1%%-*}" "$1" "${extra[@]}"
}

replica_metrics_port() { # AS
  tr '\0' '\n' <"${RUN_DIR}/replicas/$1" | sed -n 's/^--metrics-port=//p'
}

# A second replica of NAME joins its consumer groups (a rebalance), serves
# for SECONDS and is killed with -9 (a second rebalance, after the group's
# session timeout).
second_replica() { # NAME SECONDS
  start_replica "$1" "$1-2"
  note "fault: a second replica of $1 (gRPC ${REPLICA_GRPC}) for $2 s, then kill -9"
  wait_ready "$1-2" "${REPLICA_METRICS}" && note "second replica of $1 ready"
  sleep "$2"
  kill -KILL "$(pid_of "$1-2")" 2>/dev/null || true
  note "killed the second replica of $1"
}

# Not a fault in any schedule but a state the rebuild comparison must cope
# with (run it with --faults=replica-kept-NAME): a second replica of NAME
# that keeps running to the end, so that rebuild.sh has to stop both
# replicas before it wipes NAME's keys and start both again.
kept_replica() { # NAME
  if alive "$1-kept"; then
    note "a kept replica of $1 runs already"
    return 0
  fi
  start_replica "$1" "$1-kept"
  note "fault: a second replica of $1 (gRPC ${REPLICA_GRPC}) kept running to the end"
  wait_ready "$1-kept" "${REPLICA_METRICS}" && note "kept replica of $1 ready"
}

# How many times librdkafka took a consumer's partitions away because it had
# not polled for max.poll.interval.ms, over every service's log so far.
max_poll_exceeded() {
  cat "${RUN_DIR}"/logs/*.log 2>/dev/null | grep -ci 'maximum poll interval' || true
}

# Redis paused for longer than the consumers' max.poll.interval.ms (run.sh
# makes it short: LOV_KAFKA_MAX_POLL_INTERVAL_MS) while NAME's consumer
# groups rebalance: a second replica joins just before the pause (the
# rebalance it starts runs into the pause), and early in the pause it is
# killed with -9 (a second rebalance once the session timeout, as short,
# has passed: well within the pause). The members wait for Redis in their
# rebalance callbacks (the offsets stored with the state are unreadable)
# and in their handlers, longer than the interval, so the group may take
# their partitions away while they hold events half-handled. Afterwards no
# acknowledged write may be lost and no event applied twice: chaos_check
# (every decision, payment and approval exactly once) and the rebuild
# comparison (a state an event applied twice would make differ) say so.
# Whether librdkafka did take partitions away is counted in the summary
# ($RUN_DIR/max-poll.log).
rebalance_during_redis_pause() { # NAME PAUSE_SECONDS
  local before after interval="${LOV_KAFKA_MAX_POLL_INTERVAL_MS:-300000}"
  before="$(max_poll_exceeded)"
  start_replica "$1" "$1-2"
  note "fault: a second replica of $1 joins, then Redis SIGSTOPped for $2 s (max.poll.interval.ms ${interval})"
  wait_ready "$1-2" "${REPLICA_METRICS}" || true
  kill -STOP "$(pid_of redis)"
  sleep 3
  kill -KILL "$(pid_of "$1-2")" 2>/dev/null || true
  note "killed the second replica of $1 during the pause"
  sleep "$(($2 / 2 - 3))"
  probe_health "Redis (paused during a rebalance of $1)"
  sleep "$(($2 - $2 / 2))"
  kill -CONT "$(pid_of redis)"
  note "SIGCONT Redis"
  wait_ready "$1" && note "recovered: $1 ready again"
  sleep 5 # librdkafka logs the interval exceeded once the consumer polls again
  after="$(max_poll_exceeded)"
  printf '%s %s %s\n' "$1" "$2" "$((after - before))" >>"${RUN_DIR}/max-poll.log"
  note "fault: max.poll.interval.ms exceeded $((after - before)) times during the pause (log lines)"
}

# How many times process AS was put out of its groups, by its own log
# (logs/AS.log): librdkafka's lines that it had not polled for
# max.poll.interval.ms, or that the group coordinator let its session time
# out (a member that polls at once after SIGCONT logs only the latter).
max_poll_exceeded_in() { # AS
  grep -ciE 'maximum poll interval|consumer group session timed out' "${RUN_DIR}/logs/$1.log" 2>/dev/null || true
}

# A member of NAME's consumer groups certainly expelled while it may hold
# events half-handled: a second replica joins (a rebalance), and once it is
# ready NAME itself is SIGSTOPped for SECONDS, longer than the session
# timeout and max.poll.interval.ms (run.sh lowers both to
# LOV_KAFKA_MAX_POLL_INTERVAL_MS), so the broker expels it and the replica
# takes every partition over from the offsets stored with the state. After
# SIGCONT the stopped process finishes whatever it held (a handler, a
# publish, a gRPC call) as a stale owner, learns that it left the group
# (librdkafka: "maximum poll interval exceeded") and joins again; then the
# replica is killed with -9 and NAME takes everything back. Whether NAME
# was expelled is counted from its own log ($RUN_DIR/expelled.log, in the
# summary); chaos_check and the rebuild comparison say whether anything
# acknowledged was lost or applied twice.
expel_member() { # NAME SECONDS
  local before after interval="${LOV_KAFKA_MAX_POLL_INTERVAL_MS:-300000}"
  before="$(max_poll_exceeded_in "$1")"
  start_replica "$1" "$1-2"
  note "fault: a second replica of $1 joins, then $1 SIGSTOPped for $2 s (session timeout and max.poll.interval.ms ${interval} ms)"
  wait_ready "$1-2" "${REPLICA_METRICS}" || true
  sleep 3 # the rebalance the replica started is over
  kill -STOP "$(pid_of "$1")"
  sleep "$2"
  kill -CONT "$(pid_of "$1")"
  note "SIGCONT $1"
  wait_ready "$1" && note "recovered: $1 ready again"
  sleep 5 # librdkafka logs the interval exceeded once the consumer polls again
  kill -KILL "$(pid_of "$1-2")" 2>/dev/null || true
  note "killed the second replica of $1"
  after="$(max_poll_exceeded_in "$1")"
  printf '%s %s %s\n' "$1" "$2" "$((after - before))" >>"${RUN_DIR}/expelled.log"
  note "fault: $1 expelled from its groups $((after - before)) times (log lines)"
}

# The services that keep no state in Redis (ServiceSpec uses_redis = false):
# their readiness rightly ignores a Redis outage.
NO_REDIS=(console)

# Whether each service's readiness probe reports the outage of WHAT.
probe_health() { # WHAT
  local name code missed=()
  for name in "${SERVICE_NAMES[@]}"; do
    if [[ ${1,,} == redis* && " ${NO_REDIS[*]} " == *" ${name} "* ]]; then
      continue
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "${LOV_CERTS_DIR}/ca.crt" \
      "https://127.0.0.1:$(flag_of "${name}" metrics-port)/readyz" || true)"
    [[ ${code} == 200 ]] && missed+=("${name}")
  done
  if ((${#missed[@]} > 0)); then
    printf 'missed %s: %s\n' "$1" "${missed[*]}" >>"${HEALTH_LOG}"
    note "health: ready during the outage of $1: ${missed[*]}"
  else
    printf 'reported %s\n' "$1" >>"${HEALTH_LOG}"
    note "health: every service not ready during the outage of $1"
  fi
}

kill_kafka() { # DOWN_SECONDS
  note "fault: kill -9 Kafka (pid $(pid_of kafka)), restart after $1 s"
  kill -KILL "$(pid_of kafka)" 2>/dev/null || true
  sleep "$(($1 / 2))"
  probe_health "Kafka (killed)"
  sleep "$(($1 - $1 / 2))"
  "${STACK}" up >>"${RUN_DIR}/stack-restarts.log" 2>&1 && note "recovered: Kafka serves again"
}

pause() { # NAME SECONDS: SIGSTOP, then SIGCONT
  note "fault: SIGSTOP $1 for $2 s"
  kill -STOP "$(pid_of "$1")"
  sleep "$(($2 / 2))"
  probe_health "$1 (paused)"
  sleep "$(($2 - $2 / 2))"
  kill -CONT "$(pid_of "$1")"
  note "SIGCONT $1"
}

restart_redis() { # SIGNAL DOWN_SECONDS: TERM (a clean restart) or KILL
  local pid
  pid="$(pid_of redis)"
  note "fault: Redis SIG$1 (pid ${pid}), restart after $2 s"
  kill "-$1" "${pid}" 2>/dev/null || true
  while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
  sleep "$2"
  "${STACK}" up >>"${RUN_DIR}/stack-restarts.log" 2>&1 && note "recovered: Redis serves again"
}

redis_cli() {
  REDISCLI_AUTH="$(<"${LOV_SECRETS_DIR}/redis/lov-admin.password")" redis-cli \
    -h 127.0.0.1 -p "${LOV_REDIS_PORT}" --user lov-admin "$@"
}

# Redis answers every write with OOM (maxmemory of 1 byte, no eviction).
refuse_writes() { # SECONDS
  local max policy
  max="$(redis_cli config get maxmemory | tail -n 1)"
  policy="$(redis_cli config get maxmemory-policy | tail -n 1)"
  note "fault: Redis refuses writes (maxmemory 1, noeviction) for $1 s"
  redis_cli config set maxmemory-policy noeviction >/dev/null
  redis_cli config set maxmemory 1 >/dev/null
  sleep "$1"
  redis_cli config set maxmemory "${max}" >/dev/null
  redis_cli config set maxmemory-policy "${policy}" >/dev/null
  note "Redis takes writes again"
}

# Not a fault of the system but of the check: a key of NAME's state that no
# event explains, which the comparison with a clean rebuild (rebuild.sh)
# must find. In no schedule; run it with run.sh --faults=tamper-NAME.
tamper_state() { # NAME
  note "fault: a key no event explains written into the state of $1"
  redis_cli set "lov:$1:tampered-by-chaos" 1 >/dev/null
}

# One fault by its schedule name.
inject() {
  case "$1" in
    kill-*) kill_service "${1#kill-}" 3 ;;
    replica-kept-*) kept_replica "${1#replica-kept-}" ;;
    replica-*) second_replica "${1#replica-}" 20 ;;
    rebalance-redis-pause-*) rebalance_during_redis_pause "${1#rebalance-redis-pause-}" 20 ;;
    expel-*) expel_member "${1#expel-}" $((${LOV_KAFKA_MAX_POLL_INTERVAL_MS:-300000} / 1000 + 15)) ;;
    kafka-kill) kill_kafka 10 ;;
    kafka-pause) pause kafka 35 ;;
    redis-restart) restart_redis TERM 3 ;;
    redis-kill) restart_redis KILL 3 ;;
    redis-pause) pause redis 10 ;;
    redis-oom) refuse_writes 8 ;;
    tamper-*) tamper_state "${1#tamper-}" ;;
    *)
      note "unknown fault $1"
      return 1
      ;;
  esac
}

# The orchestrator's part: a service that stopped by itself is started
# again (and counted), every 2 s until $RUN_DIR/stop-supervisor exists.
supervise() {
  local name
  while [[ ! -e "${RUN_DIR}/stop-supervisor" ]]; do
    sleep 2
    for name in "${SERVICE_NAMES[@]}"; do
      (
        flock 8
        if ! alive "${name}"; then
          note "supervisor: ${name} exited by itself; restarting it"
          printf '%s\n' "${name}" >>"${RUN_DIR}/self-exits.log"
          start_service "${name}" "${name}"
        fi
      ) 8>"${SUPERVISE_LOCK}"
    done
  done
}
