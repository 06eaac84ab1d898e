"""What a container of a rendered overlay is configured with, for the checks
of k8s/validate.sh."""


def settings(docs, container):
    """Its environment: the ConfigMaps of its envFrom, then its own env (which
    wins); values only, not those taken from Secrets or fields."""
    maps = {d["metadata"]["name"]: d.get("data", {}) for d in docs
            if d["kind"] == "ConfigMap"}
    env = {}
    for f in container.get("envFrom", []):
        if "configMapRef" in f:
            env.update(maps.get(f["configMapRef"]["name"], {}))
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
    return env
