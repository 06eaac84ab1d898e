#!/usr/bin/env bash
# The container images, built and run the way a user builds and runs them:
#   1. deploy/docker/build-images.sh builds every image (tag LOV_TEST_IMAGE_TAG,
#      default "test", so a developer's "dev" images are left alone);
#   2. each image runs as uid 10001, finds every shared library its binary
#      links, and has the binary as its entry point;
#   3. deploy/local/run.sh with LOV_RUN_FROM=images brings Kafka, Redis and
#      every service up from the images and runs the demo municipality with the
#      simulator image; its checks (statement lines add up, every accepted visit
#      paid once) must pass, and the services must have been containers;
#   4. each Deployment of the k8s dev overlay, its ConfigMaps, env and security
#      context given to its image as the cluster would, with a certificate
#      mounted where the cluster mounts its TLS Secret, serves (only addresses,
#      ports and the namespace differ), and its probes (HTTPS on the metrics
#      port) and ports are the ones the configuration names;
#   5. `stack.sh down` leaves no container behind.
# Prints "N passed, N failed" at the end and exits non-zero on any failure.
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="${REPO_ROOT}/deploy/local/stack.sh"
TAG="${LOV_TEST_IMAGE_TAG:-test}"
NAMES=(registry choice visits settlement console audit followup lovctl simulator)
export CONTAINERS_CONF="${CONTAINERS_CONF:-${REPO_ROOT}/deploy/docker/containers.conf}"

# shellcheck source=tests/checks.sh
. "${REPO_ROOT}/tests/checks.sh"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/lov-images-test.XXXXXX")"
cleanup() {
  LOV_RUN_DIR="${run_dir}" "${STACK}" down --wipe >/dev/null 2>&1 || true
  rm -rf "${run_dir}"
}
trap cleanup EXIT

# --- 1. build ---------------------------------------------------------------------------
if "${REPO_ROOT}/deploy/docker/build-images.sh" --tag="${TAG}" >"${run_dir}/build.out" 2>"${run_dir}/build.err"; then
  pass "build-images.sh built $(wc -l <"${run_dir}/build.out") images"
else
  tail -n 40 "${run_dir}/build.err"
  fail "build-images.sh failed"
  finish
fi

# --- 2. each image ------------------------------------------------------------------------
for name in "${NAMES[@]}"; do
  image="localhost/lov-${name}:${TAG}"
  grep -qx "${image}" "${run_dir}/build.out" || fail "${image} not reported as built"
  user="$(podman image inspect --format '{{.Config.User}}' "${image}" 2>&1)"
  entry="$(podman image inspect --format '{{json .Config.Entrypoint}}' "${image}" 2>&1)"
  # Inside: who runs, what the entry point resolves to, and which libraries are missing.
  inside="$(podman run --rm --read-only --entrypoint /bin/sh "${image}" -c \
    'id -u; readlink -f /usr/local/bin/lov-service; ldd /usr/local/bin/lov-service | grep -c "not found"' 2>&1)"
  expected="$(printf '10001\n/usr/local/bin/%s\n0' "${name}")"
  if [[ ${user} == 10001:10001 && ${entry} == '["/usr/local/bin/lov-service"]' && ${inside} == "${expected}" ]]; then
    pass "${image}: runs ${name} as uid 10001 with every library it links"
  else
    fail "${image}: user='${user}' entrypoint=${entry} inside=[${inside//$'\n'/ }] (want uid 10001, /usr/local/bin/${name}, 0 missing libraries)"
  fi
done

# --- 3. the demo from the images ----------------------------------------------------------
# Distinct free ports for everything, Kafka and Redis included, so that no
# two of them can pick the same one.
# shellcheck source=tests/support/run_ports.sh
. "${REPO_ROOT}/tests/support/run_ports.sh"
if ! export_free_run_ports "${STACK}"; then
  fail "no free ports"
  finish
fi
export LOV_RUN_DIR="${run_dir}" LOV_RUN_FROM=images LOV_IMAGE_TAG="${TAG}" LOV_RUN_DETACH=1 \
  LOV_SIM_ARGS="--clients=120"
if "${REPO_ROOT}/deploy/local/run.sh" >"${run_dir}/run.out" 2>&1; then
  pass "run.sh with LOV_RUN_FROM=images exited 0"
else
  tail -n 40 "${run_dir}/run.out"
  fail "run.sh with LOV_RUN_FROM=images failed"
fi
# The addresses of this run's Kafka and Redis (stack.sh writes them to env).
LOV_KAFKA_BROKERS_USED="$(sed -n 's/^LOV_KAFKA_BROKERS=//p' "${run_dir}/env" 2>/dev/null)"
LOV_REDIS_ADDR_USED="$(sed -n 's/^LOV_REDIS_ADDR=//p' "${run_dir}/env" 2>/dev/null)"
check_demo_report "${run_dir}/run.out"
# The simulator container wrote the month-end summary and finance files under
# LOV_RUN_DIR (mounted by run.sh), and they are the user's again.
summary="$(find "${run_dir}/month-end" -maxdepth 1 -name 'month-end-*.txt' 2>/dev/null | head -n 1)"
if [[ -n ${summary} && -s ${summary} && -O ${summary} ]] &&
  ls "${run_dir}"/month-end/lov-*-pain001.xml >/dev/null 2>&1 &&
  grep -q "Month-end run" "${summary}"; then
  pass "the simulator image wrote the month-end summary and finance files to ${run_dir}/month-end/"
else
  ls -la "${run_dir}/month-end" 2>&1 | head -n 20
  fail "no month-end summary (month-end-*.txt, owned by the user) or pain.001 file in ${run_dir}/month-end/"
fi

# Sign-in on, as under make run: the services trusted the run's development
# issuer (the simulator's checks above passed with its tokens), and none let
# calls in without a credential.
if [[ -s "${run_dir}/dev-jwks.json" && -f "${run_dir}/dev-issuer.jwk" ]] &&
  ! grep -l -- '--insecure-no-auth' "${run_dir}"/logs/*.log >/dev/null 2>&1; then
  pass "the services ran with sign-in on (the run's development issuer; the removed --insecure-no-auth nowhere)"
else
  fail "no development issuer in ${run_dir}, or a service was given the removed --insecure-no-auth"
fi

running="$(podman ps --filter "label=lov.run-dir=${run_dir}" --format '{{.Image}}' | sort | tr '\n' ' ')"
want="localhost/lov-audit:${TAG} localhost/lov-choice:${TAG} localhost/lov-console:${TAG} localhost/lov-followup:${TAG} localhost/lov-registry:${TAG} localhost/lov-settlement:${TAG} localhost/lov-visits:${TAG} "
if [[ ${running} == "${want}" ]]; then
  pass "the six services ran as containers of the images"
else
  fail "containers of this run: '${running}', want '${want}'"
fi
# The whole page is read first (with pipefail, `curl | grep -q` fails when
# grep stops reading before curl has written everything), for up to 10 s.
dashboard=0
for _ in $(seq 1 20); do
  # HTTPS with the service certificate; without a session the sign-in page.
  page="$(curl -s --max-time 5 --cacert "${run_dir}/certs/ca.crt" "https://127.0.0.1:${LOV_CONSOLE_HTTP_PORT}/" || true)"
  if grep -Eq '<title>LOV operations dashboard(: sign in)?</title>' <<<"${page}"; then
    dashboard=1
    break
  fi
  sleep 0.5
done
if ((dashboard == 1)); then
  pass "the console container serves the dashboard"
else
  fail "no dashboard on 127.0.0.1:${LOV_CONSOLE_HTTP_PORT}"
fi

# --- 4. the images with the configuration of the k8s dev overlay -----------------------
# Each Deployment's settings (its ConfigMaps and env) given to the image as the
# cluster gives them, with the security context the manifest sets; only the
# addresses of Kafka and Redis, the ports (the manifest's may be in use here)
# and the namespace (apart from the demo's data) differ.
kustomize="${LOV_TOOLS_DIR:-${REPO_ROOT}/.tools}/bin/kustomize"
k8s_dir="${run_dir}/k8s"
mkdir -p "${k8s_dir}"
if ! "${kustomize}" build "${REPO_ROOT}/k8s/overlays/dev" >"${k8s_dir}/dev.yaml" 2>"${k8s_dir}/kustomize.err"; then
  cat "${k8s_dir}/kustomize.err"
  fail "kustomize build k8s/overlays/dev (tools from k8s/validate.sh --install-only)"
else
  # Per Deployment: NAME.env (KEY=VALUE as the pod gets them; a secret
  # gets a made-up value, as k8s/dev-secrets.sh makes them, but the Redis
  # password, which the run's Redis must accept: given below) and NAME.facts (image, user, read-only root, dropped
  # capabilities, the probes' ports, container ports grpc and metrics, where
  # the TLS Secret is mounted).
  /usr/bin/python3 - "${k8s_dir}" <<'PY' || fail "reading the rendered dev overlay"
import os, secrets, sys, yaml
out = sys.argv[1]
docs = [d for d in yaml.safe_load_all(open(os.path.join(out, "dev.yaml"))) if d]
maps = {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}
for d in docs:
    if d["kind"] != "Deployment":
        continue
    pod = d["spec"]["template"]["spec"]
    c = pod["containers"][0]
    env = {}
    for ref in c.get("envFrom", []):
        env.update(maps[ref["configMapRef"]["name"]])
    for e in c.get("env", []):
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        if ref is not None and e["name"] == "LOV_REDIS_PASSWORD":
            continue  # the run's, passed to podman from its file
        env[e["name"]] = e["value"] if "value" in e else secrets.token_hex(32)
    sc = {**pod.get("securityContext", {}), **c.get("securityContext", {})}
    probes = sorted({str(c[p]["httpGet"]["port"]) for p in ("startupProbe", "readinessProbe", "livenessProbe")
                     if "httpGet" in c.get(p, {})})
    ports = {p["name"]: str(p["containerPort"]) for p in c.get("ports", [])}
    secrets_ = {v["name"] for v in pod.get("volumes", []) if "secret" in v}
    # The mount of the TLS Secret (volume "tls"); choice mounts a key Secret too.
    tls_mount = next((m["mountPath"] for m in c.get("volumeMounts", [])
                      if m["name"] == "tls" and m["name"] in secrets_), "-")
    name = d["metadata"]["name"]
    with open(os.path.join(out, name + ".env"), "w") as f:
        f.writelines(f"{k}={v}\n" for k, v in sorted(env.items()))
    with open(os.path.join(out, name + ".facts"), "w") as f:
        f.write(" ".join([c["image"], f'{sc.get("runAsUser", "")}:{sc.get("runAsGroup", "")}',
                          str(sc.get("readOnlyRootFilesystem", False)),
                          ",".join(sc.get("capabilities", {}).get("drop", [])) or "-",
                          ",".join(probes) or "-", ports.get("grpc", "-"), ports.get("metrics", "-"),
                          tls_mount]) + "\n")
PY
  # What cert-manager would put in a service's Secret (tls.crt, tls.key,
  # ca.crt): the run's local certificates, readable by uid 10001.
  k8s_tls="${run_dir}/k8s-tls"
  mkdir -p "${k8s_tls}"
  certs="${run_dir}/certs"
  cp "${certs}/server.crt" "${k8s_tls}/tls.crt" && cp "${certs}/server.key" "${k8s_tls}/tls.key" &&
    cp "${certs}/ca.crt" "${k8s_tls}/ca.crt" || fail "no certificates in ${certs}"
  # What Strimzi would put in each service's KafkaUser Secret (key password):
  # the run's Kafka password of lov-<name>; the run's CA stands for the
  # cluster CA (/etc/lov/kafka-ca).
  for name in registry choice visits settlement console; do
    mkdir -p "${k8s_tls}-kafka-${name}"
    cp "${run_dir}/secrets/kafka/lov-${name}.password" "${k8s_tls}-kafka-${name}/password" ||
      fail "no Kafka password of lov-${name} in ${run_dir}/secrets"
  done
  # What k8s/dev-secrets.sh would put in the ConfigMap lov-oidc-jwks (the
  # run's development issuer's key set: the overlay's services run signed
  # in) and in lov-choice-secrets' key pnr-encryption-key (choice's KEK).
  mkdir -p "${k8s_tls}-oidc" "${k8s_tls}-choice-keys"
  cp "${run_dir}/dev-jwks.json" "${k8s_tls}-oidc/jwks.json" || fail "no ${run_dir}/dev-jwks.json"
  (umask 077 && openssl rand -hex 32 >"${k8s_tls}-choice-keys/pnr-encryption.key")
  if ((EUID == 0)); then as_owner=(); else as_owner=(podman unshare); fi
  "${as_owner[@]}" chown -R 10001:10001 "${k8s_tls}" "${k8s_tls}"-kafka-* "${k8s_tls}-oidc" "${k8s_tls}-choice-keys"
  for name in registry choice visits settlement console; do
    facts="${k8s_dir}/${name}.facts" envf="${k8s_dir}/${name}.env"
    if [[ ! -f ${facts} ]]; then
      fail "k8s dev overlay: no Deployment ${name}"
      continue
    fi
    read -r image user readonly caps probes c_grpc c_metrics tls_mount <"${facts}"
    grpc_env="$(sed -n 's/^LOV_GRPC_PORT=//p' "${envf}")"
    metrics_env="$(sed -n 's/^LOV_METRICS_PORT=//p' "${envf}")"
    if [[ ${image} == "localhost/lov-${name}:dev" && ${user} == 10001:10001 && ${readonly} == True &&
      ${caps} == ALL && ${probes} == metrics && ${c_grpc} == "${grpc_env}" &&
      ${c_metrics} == "${metrics_env}" && ${tls_mount} != - ]]; then
      pass "k8s ${name}: image, uid 10001, read-only, no capabilities; probes and ports on the configured ports; TLS Secret mounted"
    else
      fail "k8s ${name}: image=${image} user=${user} readOnlyRootFilesystem=${readonly} drop=${caps} http-probe-ports=${probes} containerPorts grpc=${c_grpc} metrics=${c_metrics} tls-mount=${tls_mount}; ConfigMap LOV_GRPC_PORT=${grpc_env} LOV_METRICS_PORT=${metrics_env}"
    fi
    # Run the image with that configuration until it reports ready.
    mapfile -t p < <("${STACK}" free-ports 3)
    ctr="lov-k8s-${name}-$$"
    # The Redis password as the Deployment gets it from lov-redis-users: in
    # the environment (never on the command line).
    LOV_REDIS_PASSWORD="$(cat "${run_dir}/secrets/redis/lov-${name}.password")" \
      podman run -d --rm --name "${ctr}" --label "lov.run-dir=${run_dir}" --network host \
      --read-only --tmpfs /tmp --cap-drop=all --security-opt no-new-privileges --user "${user}" \
      -v "${k8s_tls}:${tls_mount}:ro" --env-file "${envf}" -e "LOV_KAFKA_BROKERS=${LOV_KAFKA_BROKERS_USED}" -e "LOV_REDIS_ADDR=${LOV_REDIS_ADDR_USED}" \
      -v "${k8s_tls}-kafka-${name}:/etc/lov/kafka-user:ro" -v "${k8s_tls}:/etc/lov/kafka-ca:ro" \
      -v "${k8s_tls}-oidc:/etc/lov/oidc:ro" -v "${k8s_tls}-choice-keys:/etc/lov/choice-keys:ro" \
      -e "LOV_KAFKA_SASL_USERNAME=lov-${name}" -e LOV_KAFKA_SASL_PASSWORD_FILE=/etc/lov/kafka-user/password \
      -e "LOV_REDIS_USERNAME=lov-${name}" -e LOV_REDIS_PASSWORD \
      -e LOV_NAMESPACE=k8s-config-check -e "LOV_GRPC_PORT=${p[0]}" -e "LOV_METRICS_PORT=${p[1]}" \
      -e "LOV_HTTP_PORT=${p[2]}" "localhost/lov-${name}:${TAG}" >/dev/null 2>"${k8s_dir}/${name}.run.err" ||
      cat "${k8s_dir}/${name}.run.err"
    ready=0
    for _ in $(seq 1 300); do
      # HTTPS, as the overlay's LOV_METRICS_TLS=true asks (the probes' scheme).
      if curl -sf --cacert "${k8s_tls}/ca.crt" "https://127.0.0.1:${p[1]}/readyz" >/dev/null 2>&1; then
        ready=1
        break
      fi
      podman container exists "${ctr}" || break
      sleep 0.2
    done
    if ((ready == 1)); then
      pass "k8s ${name}: the image with the overlay's configuration serves"
    else
      podman logs "${ctr}" 2>&1 | tail -n 5
      fail "k8s ${name}: the image with the overlay's configuration did not become ready"
    fi
    podman stop -t 30 "${ctr}" >/dev/null 2>&1 || true
  done
fi

# --- 5. stop ------------------------------------------------------------------------------
if "${STACK}" down >"${run_dir}/down.out" 2>&1; then
  pass "stack.sh down"
else
  cat "${run_dir}/down.out"
  fail "stack.sh down failed"
fi
left="$(podman ps -a --filter "label=lov.run-dir=${run_dir}" --format '{{.Names}}' | tr '\n' ' ')"
if [[ -z ${left} ]]; then
  pass "no container left after stack.sh down"
else
  fail "containers left after stack.sh down: ${left}"
fi
if grep -q '"msg":"stopped"' "${run_dir}/logs/registry.log" 2>/dev/null; then
  pass "the registry container shut down cleanly on SIGTERM"
else
  fail "the registry container's log has no clean stop"
fi
finish
