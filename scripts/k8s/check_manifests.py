#!/usr/bin/env python3
"""Checks rendered overlays (kustomize build output) against the apps' sources: what a JSON schema
cannot see. Run by scripts/k8s-validate.sh after kubeconform.

  - every environment variable a Deployment sets (env, and keys of ConfigMaps it loads) is one an
    app reads: a key of apps/*/src/*.config.ts, libs/config/src/*.ts, or a process.env.NAME;
  - one Deployment per NLU task of libs/contracts/src/nlu-tasks.ts and per generator of
    generator-names.ts, and the selector waits for exactly those;
  - every Deployment: probes on /healthz (liveness) and /readyz (readiness) on its HTTP port,
    requests and limits, topology spread, a Service, a PodDisruptionBudget, exactly one autoscaler
    and no fixed replica count;
  - every ScaledObject: a Kafka trigger on its Deployment's consumer group, at least one replica,
    at most the partition count of the topics that group reads (libs/contracts/src/topics.ts);
  - a KafkaTopic per topic of topics.ts with its partitions, retention and cleanup policy;
  - GPU settings only with a GPU, and no Secret committed in the manifests.

usage: check_manifests.py RENDERED.yaml...   (the overlay is named after the file)
"""

import glob
import os
import re
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def sources(*patterns):
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            if not path.endswith(".spec.ts"):
                with open(path, encoding="utf-8") as f:
                    yield os.path.relpath(path, ROOT), f.read()


# ---- facts from the sources ---------------------------------------------------------------------


def env_names_read():
    names = set()
    for _, text in sources("apps/*/src/*.config.ts", "libs/config/src/*.ts"):
        names.update(re.findall(r"^\s+([A-Z][A-Z0-9_]+):\s", text, re.M))
    for _, text in sources("apps/**/*.ts", "libs/**/*.ts"):
        names.update(re.findall(r"process\.env\.([A-Z][A-Z0-9_]+)", text))
    return names


def string_list(path, const):
    match = re.search(rf"export const {const}\s*=\s*\[([^\]]*)\]", read(path))
    if not match:
        raise SystemExit(f"cannot find {const} in {path}")
    return re.findall(r"'([^']+)'", match.group(1))


def topics():
    """{name: (partitions, retention_ms, cleanup_policy)} from topics.ts."""
    text = read("libs/contracts/src/topics.ts")
    names = dict(re.findall(r"^\s+(\w+): '([a-z.]+)',$", text.split("export const Topic")[1].split("}")[0], re.M))
    units = {"HOUR": 3_600_000, "DAY": 86_400_000}
    units.update({k: int(v.replace("_", "")) for k, v in re.findall(r"^const (\w+) = ([\d_]+);", text, re.M)})
    default = int(re.search(r"DEFAULT_PARTITIONS = (\d+)", text).group(1))
    body = text.split("export function topicSpecs")[1]
    specs = {}
    for chunk in re.split(r"name: Topic\.", body)[1:]:
        key = re.match(r"\w+", chunk).group(0)
        parts = re.search(r"partitions(?:\s*:\s*(\d+))?", chunk)
        retention = re.search(r"retentionMs:\s*([^,\n]+)", chunk).group(1)
        expr = re.sub(r"[A-Z_]+", lambda m: str(units[m.group(0)]), retention)
        if not re.fullmatch(r"[\d\s*+-]+", expr):
            raise SystemExit(f"topics.ts: cannot read retentionMs {retention!r}")
        policy = re.search(r"cleanupPolicy:\s*'(\w+)'", chunk).group(1)
        specs[names[key]] = (int(parts.group(1)) if parts.group(1) else default, eval(expr), policy)  # digits and operators only
    if len(specs) != len(names):
        raise SystemExit(f"topics.ts: read {sorted(specs)}, expected every one of {sorted(names.values())}")
    return specs


def assert_source(path, pattern, what):
    if not re.search(pattern, read(path)):
        raise SystemExit(f"{path} no longer matches {pattern!r} ({what}): update scripts/k8s/check_manifests.py and k8s/")


# Consumer groups as the apps name them (asserted against the sources below) and the topics each reads.
assert_source("apps/nlu-worker/src/nlu-worker.config.ts", r"`nlu-\$\{tasks\.join\('\+'\)\}`", "NLU consumer group")
assert_source("apps/generator-worker/src/generator-consumer.service.ts", r"groupId: `gen-\$\{generator\.name\}`", "generator group")
assert_source("apps/selector/src/selector.service.ts", r"groupId: 'selector'", "selector group")
assert_source("apps/analytics-sink/src/sink-consumer.service.ts", r"groupId: 'analytics-sink'", "sink group")
INPUTS = {
    "nlu-worker": ["chat.messages"],
    "generator-worker": ["chat.messages", "chat.conversations"],
    "selector": ["chat.messages", "nlu.results", "chat.candidates", "chat.conversations"],
    "analytics-sink": ["chat.messages", "nlu.results", "chat.candidates", "chat.outcomes"],
}


# ---- checks of one overlay ----------------------------------------------------------------------


class Overlay:
    def __init__(self, path):
        self.name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            self.objects = [o for o in yaml.safe_load_all(f) if o]
        self.errors = []

    def of(self, kind):
        return [o for o in self.objects if o["kind"] == kind]

    def fail(self, obj, message):
        self.errors.append(f"{self.name}: {obj['kind']}/{obj['metadata']['name']}: {message}")


def app_of(container):
    args = " ".join(container.get("command", []) + container.get("args", []))
    match = re.search(r"dist/apps/([a-z-]+)/src/main\.js", args)
    return match.group(1) if match else None


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check(overlay, allowed_env, tasks, generators, topic_specs):
    configmaps = {c["metadata"]["name"]: c.get("data", {}) for c in overlay.of("ConfigMap")}
    deployments = overlay.of("Deployment")
    scalers = overlay.of("ScaledObject") + overlay.of("HorizontalPodAutoscaler")
    served_tasks, served_generators, env_of = [], [], {}

    for secret in overlay.of("Secret"):
        overlay.fail(secret, "Secrets are created in the cluster, never committed (docs/deploy.md)")

    for d in deployments:
        name, pod = d["metadata"]["name"], d["spec"]["template"]
        labels = pod["metadata"].get("labels", {})
        containers = pod["spec"]["containers"]
        c = containers[0]
        app = app_of(c)
        if len(containers) != 1 or not app or not os.path.isdir(os.path.join(ROOT, "apps", app)):
            overlay.fail(d, "expected one container running dist/apps/<app>/src/main.js of an app under apps/")
            continue
        env = {}
        for source in c.get("envFrom", []):
            ref = source.get("configMapRef", {}).get("name")
            if ref not in configmaps:
                overlay.fail(d, f"envFrom: no ConfigMap {ref} in the overlay")
            env.update(configmaps.get(ref, {}))
        names = [e["name"] for e in c.get("env", [])]
        if len(names) != len(set(names)):
            overlay.fail(d, f"an env name is set twice: {names}")
        env.update({e["name"]: e.get("value", "<from a Secret>") for e in c.get("env", [])})
        env_of[name] = (app, env)
        for var in sorted(set(env) - allowed_env):
            overlay.fail(d, f"env {var}: no app reads it (not in apps/*/src/*.config.ts, libs/config, process.env)")
        for var, value in env.items():
            if "set-by-each" in str(value):
                overlay.fail(d, f"env {var} still holds the template's placeholder")

        # HTTP port, probes, resources, spread
        http = next((p["containerPort"] for p in c.get("ports", []) if p.get("name") == "http"), None)
        if http is None or str(http) != env.get("PORT"):
            overlay.fail(d, f"PORT={env.get('PORT')} must equal the containerPort named http ({http})")
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = c.get(probe, {}).get("httpGet", {})
            if get.get("path") != path or get.get("port") not in ("http", http):
                overlay.fail(d, f"{probe} must GET {path} on the HTTP port")
        resources = c.get("resources", {})
        for part in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(resources.get(part, {})):
                overlay.fail(d, f"resources.{part} needs cpu and memory")
        if not pod["spec"].get("topologySpreadConstraints"):
            overlay.fail(d, "no topologySpreadConstraints")
        if "replicas" in d["spec"]:
            overlay.fail(d, "sets spec.replicas, which its autoscaler owns")

        # Service, PodDisruptionBudget, exactly one autoscaler
        if not any(selects(s["spec"].get("selector"), labels) for s in overlay.of("Service")):
            overlay.fail(d, "no Service selects its pods")
        if not any(selects(p["spec"].get("selector", {}).get("matchLabels"), labels) for p in overlay.of("PodDisruptionBudget")):
            overlay.fail(d, "no PodDisruptionBudget selects its pods")
        targeting = [s for s in scalers if s["spec"]["scaleTargetRef"]["name"] == name]
        if len(targeting) != 1:
            overlay.fail(d, f"needs exactly one HorizontalPodAutoscaler or ScaledObject, has {len(targeting)}")

        # GPU settings only with a GPU
        gpu = "nvidia.com/gpu" in resources.get("limits", {})
        if env.get("ORT_PROVIDER") == "cuda" and not gpu:
            overlay.fail(d, "ORT_PROVIDER=cuda without an nvidia.com/gpu limit")
        if int(env.get("LLM_GPU_LAYERS", "0") or 0) > 0 and not gpu:
            overlay.fail(d, "LLM_GPU_LAYERS > 0 without an nvidia.com/gpu limit")
        if gpu and not (pod["spec"].get("nodeSelector") and pod["spec"].get("tolerations")):
            overlay.fail(d, "a GPU pod needs a nodeSelector and tolerations for GPU nodes")

        if app == "nlu-worker":
            served_tasks += [t.strip() for t in env.get("NLU_TASKS", "").split(",") if t.strip()]
        if app == "generator-worker":
            served_generators.append(env.get("GENERATOR"))

    # NLU tasks and generators: each deployed once, and the selector waits for exactly those.
    for what, served, known in (("NLU task", served_tasks, tasks), ("generator", served_generators, generators)):
        for item in sorted(set(known) | set(served)):
            if served.count(item) != 1:
                overlay.errors.append(f"{overlay.name}: {what} {item}: served by {served.count(item)} Deployments, expected 1")
    for name, (app, env) in env_of.items():
        if app == "selector":
            for var, served in (("SELECTOR_EXPECTED_TASKS", served_tasks), ("SELECTOR_EXPECTED_GENERATORS", served_generators)):
                expected = [t.strip() for t in env.get(var, "").split(",") if t.strip()]
                if sorted(expected) != sorted(served):
                    overlay.errors.append(f"{overlay.name}: selector {var}={','.join(expected)} but deployed: {','.join(sorted(served))}")

    # ScaledObjects: the right group, at least one replica, no more than the partitions read.
    brokers = configmaps.get(next((n for n in configmaps if n.startswith("sassy-common")), ""), {}).get("KAFKA_BROKERS")
    for s in overlay.of("ScaledObject"):
        target = s["spec"]["scaleTargetRef"]["name"]
        if target not in env_of:
            overlay.fail(s, f"scales {target}, which is not a Deployment here")
            continue
        app, env = env_of[target]
        group = {
            "nlu-worker": "nlu-" + "+".join(t.strip() for t in env.get("NLU_TASKS", "").split(",")),
            "generator-worker": f"gen-{env.get('GENERATOR')}",
        }.get(app, app)
        inputs = INPUTS.get(app)
        if not inputs:
            overlay.fail(s, f"{app} reads no Kafka topic through a consumer group of its own")
            continue
        ceiling = min(topic_specs[t][0] for t in inputs)
        low, high = s["spec"].get("minReplicaCount", 0), s["spec"].get("maxReplicaCount", 100)
        if low < 1:
            overlay.fail(s, "minReplicaCount must be at least 1")
        if high > ceiling:
            overlay.fail(s, f"maxReplicaCount {high} exceeds {ceiling}, the partitions of {', '.join(inputs)}")
        kafka = [t for t in s["spec"].get("triggers", []) if t.get("type") == "kafka"]
        if len(kafka) != 1:
            overlay.fail(s, "needs one kafka trigger")
            continue
        meta = kafka[0]["metadata"]
        if meta.get("consumerGroup") != group:
            overlay.fail(s, f"consumerGroup {meta.get('consumerGroup')}, but {target} consumes as {group}")
        if "topic" in meta and meta["topic"] not in inputs:
            overlay.fail(s, f"topic {meta['topic']} is not one {target} reads ({', '.join(inputs)})")
        if meta.get("bootstrapServers") != brokers:
            overlay.fail(s, f"bootstrapServers {meta.get('bootstrapServers')} differs from KAFKA_BROKERS {brokers}")

    # KafkaTopics = topics.ts
    declared = {t["spec"].get("topicName", t["metadata"]["name"]): t for t in overlay.of("KafkaTopic")}
    for name in sorted(set(declared) | set(topic_specs)):
        if name not in declared or name not in topic_specs:
            overlay.errors.append(f"{overlay.name}: topic {name}: in {'the manifests' if name in declared else 'topics.ts'} only")
            continue
        partitions, retention, policy = topic_specs[name]
        spec = declared[name]["spec"]
        config = spec.get("config", {})
        found = (spec.get("partitions"), int(config.get("retention.ms", 0)), config.get("cleanup.policy"))
        if found != (partitions, retention, policy):
            overlay.fail(declared[name], f"partitions/retention.ms/cleanup.policy {found}, topics.ts says {(partitions, retention, policy)}")
    return len(deployments), len(overlay.of("ScaledObject")), len(declared)


def main(paths):
    allowed_env = env_names_read()
    tasks = string_list("libs/contracts/src/nlu-tasks.ts", "NLU_TASKS")
    generators = string_list("apps/generator-worker/src/generators/generator-names.ts", "GENERATOR_NAMES")
    topic_specs = topics()
    errors = []
    for path in paths:
        overlay = Overlay(path)
        deployments, scaled, declared = check(overlay, allowed_env, tasks, generators, topic_specs)
        errors += overlay.errors
        if not overlay.errors:
            print(
                f"[k8s] checks, {overlay.name}: {deployments} Deployments ({len(tasks)} NLU tasks, {len(generators)} generators), "
                f"{scaled} ScaledObjects within their partitions, {declared} topics as in topics.ts"
            )
    for error in errors:
        print(f"[k8s] {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1:]))
