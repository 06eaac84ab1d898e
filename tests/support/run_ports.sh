# Sourced by the tests that run deploy/local/run.sh themselves: exports a
# distinct free port (stack.sh free-ports) for Redis, Kafka and its
# controller, each service's gRPC and metrics port, the dashboard and the
# HTTP/JSON ports of choice, visits and settlement, so
# that the run meets no other. Fails if there are not enough free ports.
# shellcheck shell=bash
export_free_run_ports() { # STACK (deploy/local/stack.sh)
  local -a ports
  mapfile -t ports < <("$1" free-ports 21)
  ((${#ports[@]} == 21)) || return 1
  export LOV_REDIS_PORT="${ports[13]}" LOV_KAFKA_PORT="${ports[14]}" \
    LOV_KAFKA_CONTROLLER_PORT="${ports[15]}" \
    LOV_AUDIT_GRPC_PORT="${ports[0]}" LOV_AUDIT_METRICS_PORT="${ports[1]}" \
    LOV_REGISTRY_GRPC_PORT="${ports[2]}" LOV_REGISTRY_METRICS_PORT="${ports[3]}" \
    LOV_CHOICE_GRPC_PORT="${ports[4]}" LOV_CHOICE_METRICS_PORT="${ports[5]}" \
    LOV_VISITS_GRPC_PORT="${ports[6]}" LOV_VISITS_METRICS_PORT="${ports[7]}" \
    LOV_SETTLEMENT_GRPC_PORT="${ports[8]}" LOV_SETTLEMENT_METRICS_PORT="${ports[9]}" \
    LOV_CONSOLE_GRPC_PORT="${ports[10]}" LOV_CONSOLE_METRICS_PORT="${ports[11]}" \
    LOV_CONSOLE_HTTP_PORT="${ports[12]}" \
    LOV_FOLLOWUP_GRPC_PORT="${ports[16]}" LOV_FOLLOWUP_METRICS_PORT="${ports[17]}" \
    LOV_CHOICE_HTTP_PORT="${ports[18]}" LOV_VISITS_HTTP_PORT="${ports[19]}" \
    LOV_SETTLEMENT_HTTP_PORT="${ports[20]}"
}
