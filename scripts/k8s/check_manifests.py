#!/usr/bin/env python3
"""Checks rendered overlays (kustomize build output) against the apps' sources: what a JSON schema
cannot see. Run by scripts/k8s-validate.sh after kubeconform; scripts/k8s/check_manifests_test.py
shows that each known mistake fails it.

  - every environment variable a Deployment sets (env, and keys of ConfigMaps it loads) is one an
    app reads (a key of apps/*/src/*.config.ts, libs/config/src/*.ts, a process.env.NAME, or one
    Node reads itself), with a value the app's schema accepts (z.enum, .regex, flag);
  - one Deployment per NLU task of libs/contracts/src/nlu-tasks.ts and per generator of
    generator-names.ts, and the selector waits for exactly those;
  - every Deployment: probes on /healthz (liveness) and /readyz (readiness) on its HTTP port,
    requests and limits, topology spread, a Service, a PodDisruptionBudget (that lets unhealthy
    pods go), exactly one autoscaler, no fixed replica count, and a PodMonitor for its metrics;
  - every ScaledObject: a Kafka trigger on its Deployment's consumer group with metadata keys and
    values the pinned KEDA's Kafka scaler knows (--keda-kafka, from its source), offsetResetPolicy
    = where the app starts a new group, TLS and SASL as the apps connect, a TriggerAuthentication;
    at least one replica, at most the partition count of the topics that group reads (topics.ts);
  - one Kafka cluster; every KafkaTopic, KafkaUser and KafkaNodePool labelled with its name; a
    KafkaTopic per topic of topics.ts (with TOPIC_PREFIX) with its partitions, retention and cleanup
    policy; a TLS listener with SCRAM-SHA-512 at KAFKA_BROKERS, simple authorization;
  - every Deployment logs in as its app's KafkaUser (KAFKA_SASL_USERNAME, the password from that
    user's Secret, the cluster CA mounted) whose ACLs are exactly the app's topics and groups;
    KEDA's user may only Describe, and covers every scaled group;
  - NetworkPolicies: default deny, and each path the architecture draws open (PATHS below), the
    Kafka listener only to the apps and KEDA, ClickHouse only to the sink;
  - ClickHouse users: password from a Secret, never from any address;
  - GPU settings only with a GPU; GPU pods on the GPU image (tag *-gpu), tolerating the GPU taint,
    not selecting a label the device plugin install does not set, with memory for a CUDA process,
    and stopping at start when their GPU runtime does not load (ORT_PROVIDER_REQUIRED, LLM_GPU_REQUIRED);
  - no Secret committed in the manifests.

usage: check_manifests.py --keda-kafka KEDA.json RENDERED.yaml...   (the overlay is named after the file;
       KEDA.json is written by scripts/k8s/keda_trigger_metadata.py)
"""

import copy
import glob
import ipaddress
import json
import math
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
    names = set(NODE_ENV)
    for _, text in sources("apps/*/src/*.config.ts", "libs/config/src/*.ts"):
        names.update(re.findall(r"^\s+([A-Z][A-Z0-9_]+):\s", text, re.M))
    for _, text in sources("apps/**/*.ts", "libs/**/*.ts"):
        names.update(re.findall(r"process\.env\.([A-Z][A-Z0-9_]+)", text))
    return names


# Read by Node itself, not by the apps: the extra CA file (Strimzi's cluster CA, for Kafka's TLS).
NODE_ENV = {"NODE_EXTRA_CA_CERTS"}
FLAG_VALUES = {"1", "true", "yes", "on", "0", "false", "no", "off"}  # libs/config/src/load-config.ts flag()


def flag_on(value):
    """As flag() reads a set value: true for 1, true, yes, on."""
    return (value or "").lower() in {"1", "true", "yes", "on"}


def env_value_rules():
    """{NAME: [rule, ...]} from the config schemas: ('enum', [values]), ('regex', pattern), ('flag',)."""
    rules = {}
    for _, text in sources("apps/*/src/*.config.ts", "libs/config/src/*.ts"):
        for name, values in re.findall(r"\b([A-Z][A-Z0-9_]+):\s*z\s*\.enum\(\[([^\]]*)\]\)", text):
            rules.setdefault(name, []).append(("enum", re.findall(r"'([^']*)'", values)))
        for name, pattern in re.findall(r"\b([A-Z][A-Z0-9_]+):\s*z\s*\.string\(\)\s*\.regex\(/((?:\\/|[^/\n])+)/[a-z]*", text):
            rules.setdefault(name, []).append(("regex", pattern.replace("\\/", "/")))
        for name in re.findall(r"\b([A-Z][A-Z0-9_]+):\s*flag\(", text):
            rules.setdefault(name, []).append(("flag",))
    for must in ("ORT_PROVIDER", "TOPIC_PREFIX", "KAFKA_SSL", "KAFKA_SASL_MECHANISM"):
        if must not in rules:
            raise SystemExit(f"cannot read the rule for {must} from the config schemas: update scripts/k8s/check_manifests.py")
    return rules


def value_problem(name, value, rules):
    """Why the apps would refuse (or misread) VALUE for NAME, or None. Several schemas: any may accept it."""
    problems = []
    for rule in rules.get(name, []):
        if rule[0] == "enum" and value not in rule[1]:
            problems.append(f"one of {', '.join(rule[1])}")
        elif rule[0] == "regex" and not re.fullmatch(rule[1], value):
            problems.append(f"matching /{rule[1]}/")
        elif rule[0] == "flag" and value.lower() not in FLAG_VALUES:
            problems.append(f"a flag ({', '.join(sorted(FLAG_VALUES))}; anything else reads as false)")
        else:
            return None
    return f"must be {' or '.join(problems)}" if problems else None


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
assert_source("apps/gateway/src/messages/reply-listener.service.ts", r"groupId: `gateway-\$\{config\.GATEWAY_INSTANCE_ID\}`", "gateway group")
for worker in ("apps/nlu-worker/src/nlu-consumer.service.ts", "apps/generator-worker/src/generator-consumer.service.ts"):
    assert_source(worker, r"startMessageBatchWorker", "consumes through libs/kafka's message batch worker")
INPUTS = {
    "nlu-worker": ["chat.messages"],
    "generator-worker": ["chat.messages", "chat.conversations"],
    "selector": ["chat.messages", "nlu.results", "chat.candidates", "chat.conversations"],
    "analytics-sink": ["chat.messages", "nlu.results", "chat.candidates", "chat.outcomes"],
}
# Everything an app does on Kafka, for its KafkaUser's ACLs: topics read, topics written (every
# consumer dead-letters to chat.dlq: libs/kafka/src/event-consumer.ts), consumer groups (name,
# patternType: a prefix where the name varies: NLU task sets, generators, gateway instances).
KAFKA_USE = {
    "gateway": (["chat.replies"], ["chat.messages", "chat.dlq"], [("gateway-", "prefix")]),
    "nlu-worker": (INPUTS["nlu-worker"], ["nlu.results", "chat.dlq"], [("nlu-", "prefix")]),
    "generator-worker": (INPUTS["generator-worker"], ["chat.candidates", "chat.dlq"], [("gen-", "prefix")]),
    "selector": (INPUTS["selector"], ["chat.replies", "chat.outcomes", "chat.conversations", "chat.dlq"], [("selector", "literal")]),
    "analytics-sink": (INPUTS["analytics-sink"], ["chat.dlq"], [("analytics-sink", "literal")]),
}
TOPIC_KEYS = {"chat.messages": "messages", "nlu.results": "nluResults", "chat.candidates": "candidates", "chat.replies": "replies",
              "chat.outcomes": "outcomes", "chat.conversations": "conversations", "chat.dlq": "dlq"}  # fmt: skip
for app, (reads, writes, _) in KAFKA_USE.items():
    for topic in writes:
        where = "libs/kafka/src/event-consumer.ts" if topic == "chat.dlq" else f"apps/{app}/src"
        if not any(f"Topic.{TOPIC_KEYS[topic]}" in text for _, text in sources(f"{where}/**/*.ts", where)):
            raise SystemExit(f"{where} never names Topic.{TOPIC_KEYS[topic]}: update KAFKA_USE in scripts/k8s/check_manifests.py")


def start_positions():
    """Where each app's consumer starts a new group: KEDA's offsetResetPolicy must say the same, or
    a new group's lag is counted from the wrong end (the whole log, or nothing)."""
    where = {
        "nlu-worker": "libs/kafka/src/message-batch-worker.ts",
        "generator-worker": "libs/kafka/src/message-batch-worker.ts",
        "selector": "apps/selector/src/selector.service.ts",
        "analytics-sink": "apps/analytics-sink/src/sink-consumer.service.ts",
    }
    positions = {}
    for app, path in where.items():
        found = re.findall(r"fromBeginning:\s*(true|false)", read(path))
        if len(found) != 1:
            raise SystemExit(f"{path}: expected one fromBeginning, found {found}: update scripts/k8s/check_manifests.py")
        positions[app] = "earliest" if found[0] == "true" else "latest"
    return positions


class Facts:
    """Everything the checks take from the sources, read once."""

    def __init__(self, keda_kafka_path):
        self.allowed_env = env_names_read()
        self.env_rules = env_value_rules()
        self.tasks = string_list("libs/contracts/src/nlu-tasks.ts", "NLU_TASKS")
        self.generators = string_list("apps/generator-worker/src/generators/generator-names.ts", "GENERATOR_NAMES")
        self.topic_specs = topics()
        self.starts = start_positions()
        with open(keda_kafka_path, encoding="utf-8") as f:
            self.keda_kafka = json.load(f)


# GPU pods: the host memory a CUDA process needs besides its model (context, cuBLAS/cuDNN or
# ggml-cuda loaded): k8s/overlays/gpu and docs/deploy.md ("GPU nodes").
GPU_MIN_MEMORY_LIMIT = 3 * 1024**3
# Set by the NVIDIA GPU Operator's node rules, not by the device plugin install docs/deploy.md uses.
GPU_OPERATOR_ONLY_LABELS = {"nvidia.com/gpu.present"}

# Peers outside the namespace, as docs/deploy.md installs them (namespace labels, pod labels).
INGRESS_CONTROLLER = ({"kubernetes.io/metadata.name": "ingress", "sassy-social-bot/ingress": "true"}, {})
PROMETHEUS = ({"kubernetes.io/metadata.name": "monitoring"}, {"app.kubernetes.io/name": "prometheus"})
KEDA_OPERATOR = ({"kubernetes.io/metadata.name": "keda"}, {"app": "keda-operator"})
CLICKHOUSE_OPERATOR = ({"kubernetes.io/metadata.name": "clickhouse-operator"}, {"app": "clickhouse-operator"})
DNS_SERVER = "10.96.0.10"  # an in-cluster DNS Service address; any works where port 53 is open to all
API_SERVER = "192.0.2.1"  # the Kubernetes API's address is the cluster's own: any address on 443/6443
OUR_NAMESPACE = {"kubernetes.io/metadata.name": "sassy"}


# ---- checks of one overlay ----------------------------------------------------------------------


class Overlay:
    def __init__(self, name, objects):
        self.name = name
        self.objects = objects
        self.errors = []

    @staticmethod
    def load(path):
        with open(path, encoding="utf-8") as f:
            return Overlay(os.path.splitext(os.path.basename(path))[0], [o for o in yaml.safe_load_all(f) if o])

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


def matches(selector, labels):
    """A Kubernetes label selector (matchLabels, matchExpressions); {} matches everything."""
    if selector is None:
        return False
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for e in selector.get("matchExpressions", []):
        key, op, values = e["key"], e["operator"], e.get("values", [])
        if (
            (op == "In" and labels.get(key) not in values)
            or (op == "NotIn" and labels.get(key) in values)
            or (op == "Exists" and key not in labels)
            or (op == "DoesNotExist" and key in labels)
        ):
            return False
    return True


def memory_bytes(quantity):
    units = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4, "k": 1000, "M": 1000**2, "G": 1000**3}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]*)", str(quantity))
    return float(match.group(1)) * units.get(match.group(2), 1) if match else 0


# ---- NetworkPolicy evaluation -------------------------------------------------------------------


class Pod:
    """Something that sends or receives traffic: a pod (namespace labels, labels, named ports) or an address."""

    def __init__(self, what, namespace=None, labels=None, ports=None, ip=None):
        self.what, self.namespace, self.labels, self.ports, self.ip = what, namespace or {}, labels or {}, ports or {}, ip


def peer_matches(peer, pod):
    if "ipBlock" in peer:
        if pod.ip is None:
            return False
        ip = ipaddress.ip_address(pod.ip)
        net = ipaddress.ip_network(peer["ipBlock"]["cidr"])
        return ip.version == net.version and ip in net and not any(ip in ipaddress.ip_network(x) for x in peer["ipBlock"].get("except", []))
    if pod.ip is not None:
        return False
    ns_selector = peer.get("namespaceSelector")
    if ns_selector is None:
        ns_ok = pod.namespace == OUR_NAMESPACE
    else:
        ns_ok = matches(ns_selector, pod.namespace)
    return ns_ok and ("podSelector" not in peer or matches(peer["podSelector"], pod.labels))


def port_matches(rule_ports, port, protocol, target):
    if not rule_ports:
        return True
    for p in rule_ports:
        if p.get("protocol", "TCP") != protocol:
            continue
        number = p.get("port")
        if number is None:
            return True
        if isinstance(number, str):
            number = target.ports.get(number)
        if number is not None and number <= port <= p.get("endPort", number):
            return True
    return False


def allowed(policies, source, destination, port, protocol="TCP"):
    """Whether NetworkPolicies in our namespace let SOURCE reach DESTINATION:PORT (both ends checked)."""

    def side(pod, direction, peer, target):
        if pod.namespace != OUR_NAMESPACE:
            return True  # not isolated by our policies
        selecting = [p for p in policies if matches(p["spec"]["podSelector"], pod.labels) and direction in p["spec"].get("policyTypes", ["Ingress"])]
        if not selecting:
            return True
        key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        return any(
            (not rule.get(peers_key) or any(peer_matches(x, peer) for x in rule[peers_key])) and port_matches(rule.get("ports"), port, protocol, target)
            for p in selecting
            for rule in p["spec"].get(key, [])
        )

    return side(source, "Egress", destination, destination) and side(destination, "Ingress", source, destination)


def check(overlay, facts):
    configmaps = {c["metadata"]["name"]: c.get("data", {}) for c in overlay.of("ConfigMap")}
    deployments = overlay.of("Deployment")
    scalers = overlay.of("ScaledObject") + overlay.of("HorizontalPodAutoscaler")
    served_tasks, served_generators, env_of, pods_of = [], [], {}, {}
    common = configmaps.get(next((n for n in configmaps if n.startswith("sassy-common")), ""), {})
    prefix = common.get("TOPIC_PREFIX", "")
    kafkas = overlay.of("Kafka")
    if len(kafkas) != 1:
        overlay.errors.append(f"{overlay.name}: expected one Kafka, found {len(kafkas)}")
        return 0, 0, 0
    kafka = kafkas[0]
    cluster = kafka["metadata"]["name"]
    users = {u["metadata"]["name"]: u for u in overlay.of("KafkaUser")}
    user_app = {}

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
        env, from_secret = {}, {}
        for source in c.get("envFrom", []):
            ref = source.get("configMapRef", {}).get("name")
            if ref not in configmaps:
                overlay.fail(d, f"envFrom: no ConfigMap {ref} in the overlay")
            env.update(configmaps.get(ref, {}))
        names = [e["name"] for e in c.get("env", [])]
        if len(names) != len(set(names)):
            overlay.fail(d, f"an env name is set twice: {names}")
        for e in c.get("env", []):
            env[e["name"]] = e.get("value", "<from a Secret>")
            if "secretKeyRef" in e.get("valueFrom", {}):
                from_secret[e["name"]] = e["valueFrom"]["secretKeyRef"]
        env_of[name] = (app, env)
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", []) if "name" in p}
        pods_of[name] = Pod(name, OUR_NAMESPACE, labels, ports)
        for var in sorted(set(env) - facts.allowed_env):
            overlay.fail(d, f"env {var}: no app reads it (not in apps/*/src/*.config.ts, libs/config, process.env)")
        for var, value in env.items():
            if "set-by-each" in str(value):
                overlay.fail(d, f"env {var} still holds the template's placeholder")
            elif var not in from_secret:
                problem = value_problem(var, str(value), facts.env_rules)
                if problem:
                    overlay.fail(d, f"env {var}={value!r}: the app refuses it at start: {problem}")

        # HTTP port, probes, resources, spread
        http = ports.get("http")
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

        # Service, PodDisruptionBudget, exactly one autoscaler, a PodMonitor
        if not any(selects(s["spec"].get("selector"), labels) for s in overlay.of("Service")):
            overlay.fail(d, "no Service selects its pods")
        budgets = [p for p in overlay.of("PodDisruptionBudget") if selects(p["spec"].get("selector", {}).get("matchLabels"), labels)]
        if not budgets:
            overlay.fail(d, "no PodDisruptionBudget selects its pods")
        for budget in budgets:
            if budget["spec"].get("unhealthyPodEvictionPolicy") != "AlwaysAllow":
                overlay.fail(budget, "unhealthyPodEvictionPolicy must be AlwaysAllow: a crash-looping pod must not block a node drain")
        targeting = [s for s in scalers if s["spec"]["scaleTargetRef"]["name"] == name]
        if len(targeting) != 1:
            overlay.fail(d, f"needs exactly one HorizontalPodAutoscaler or ScaledObject, has {len(targeting)}")
        if not any(
            matches(m["spec"].get("selector"), labels) and any(e.get("port") in ports for e in m["spec"].get("podMetricsEndpoints", []))
            for m in overlay.of("PodMonitor")
        ):
            overlay.fail(d, "no PodMonitor scrapes a named port of its pods (kube-prometheus-stack)")

        # Kafka: TLS, SCRAM as the app's own KafkaUser, the cluster CA
        if app in KAFKA_USE:
            user = env.get("KAFKA_SASL_USERNAME")
            secret = from_secret.get("KAFKA_SASL_PASSWORD", {})
            if env.get("KAFKA_SSL", "").lower() not in ("1", "true", "yes", "on"):
                overlay.fail(d, "KAFKA_SSL is not on: the Kafka listener is TLS only")
            if env.get("KAFKA_SASL_MECHANISM") != "scram-sha-512":
                overlay.fail(d, f"KAFKA_SASL_MECHANISM={env.get('KAFKA_SASL_MECHANISM')}, the listener wants scram-sha-512")
            if user not in users:
                overlay.fail(d, f"KAFKA_SASL_USERNAME={user} is no KafkaUser of the overlay: it has no Kafka credentials")
            elif secret != {"name": user, "key": "password"}:
                overlay.fail(d, f"KAFKA_SASL_PASSWORD must come from the Secret {user}, key password (its KafkaUser's), not {secret or 'nowhere'}")
            elif user_app.setdefault(user, app) != app:
                overlay.fail(d, f"KafkaUser {user} is {user_app[user]}'s; one KafkaUser per app")
            ca_file = env.get("NODE_EXTRA_CA_CERTS", "")
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            volume = next((v for v in pod["spec"].get("volumes", []) if v["name"] == mounts.get(os.path.dirname(ca_file))), {})
            items = {i["path"]: i["key"] for i in volume.get("secret", {}).get("items", [])}
            if volume.get("secret", {}).get("secretName") != f"{cluster}-cluster-ca-cert" or items.get(os.path.basename(ca_file), os.path.basename(ca_file)) != "ca.crt":
                overlay.fail(d, f"NODE_EXTRA_CA_CERTS={ca_file!r} is not ca.crt of the Secret {cluster}-cluster-ca-cert mounted there: TLS to Kafka fails")

        # GPU settings only with a GPU, and what a GPU pod needs
        gpu = "nvidia.com/gpu" in resources.get("limits", {})
        if env.get("ORT_PROVIDER") == "cuda" and not gpu:
            overlay.fail(d, "ORT_PROVIDER=cuda without an nvidia.com/gpu limit")
        if int(env.get("LLM_GPU_LAYERS", "0") or 0) > 0 and not gpu:
            overlay.fail(d, "LLM_GPU_LAYERS > 0 without an nvidia.com/gpu limit")
        if gpu:
            spec = pod["spec"]
            if not any(t.get("key") == "nvidia.com/gpu" and t.get("effect") in (None, "NoSchedule") for t in spec.get("tolerations", [])):
                overlay.fail(d, "a GPU pod needs a toleration for the nvidia.com/gpu:NoSchedule taint of GPU nodes")
            required = spec.get("affinity", {}).get("nodeAffinity", {}).get("requiredDuringSchedulingIgnoredDuringExecution", {})
            keys = set(spec.get("nodeSelector", {})) | {e["key"] for term in required.get("nodeSelectorTerms", []) for e in term.get("matchExpressions", [])}
            for key in sorted(keys & GPU_OPERATOR_ONLY_LABELS):
                overlay.fail(d, f"selects nodes by {key}, which only the GPU Operator sets: with the device plugin of docs/deploy.md it stays Pending (the nvidia.com/gpu limit already picks GPU nodes)")
            image = c.get("image", "")
            if not re.search(r":[^/]*-gpu(@sha256:[0-9a-f]{64})?$", image):
                overlay.fail(d, f"a GPU pod runs {image!r}, not the GPU image (tag <tag>-gpu, built with --build-arg GPU=cuda12): the overlay's image swap is missing")
            if memory_bytes(resources.get("limits", {}).get("memory", 0)) < GPU_MIN_MEMORY_LIMIT:
                overlay.fail(d, f"memory limit {resources.get('limits', {}).get('memory')} is below 3Gi, what a CUDA process holds besides its model (docs/deploy.md)")
            # Without these, a GPU runtime that does not load leaves the pod on its CPU, holding a GPU unnoticed.
            if env.get("ORT_PROVIDER") == "cuda" and not flag_on(env.get("ORT_PROVIDER_REQUIRED")):
                overlay.fail(d, "ORT_PROVIDER=cuda without ORT_PROVIDER_REQUIRED=true: if CUDA does not load, the pod runs on its CPU instead of stopping")
            if int(env.get("LLM_GPU_LAYERS", "0") or 0) > 0 and not flag_on(env.get("LLM_GPU_REQUIRED")):
                overlay.fail(d, "LLM_GPU_LAYERS > 0 without LLM_GPU_REQUIRED=true: if no GPU build of llama.cpp loads, the pod runs on its CPU instead of stopping")

        if app == "nlu-worker":
            served_tasks += [t.strip() for t in env.get("NLU_TASKS", "").split(",") if t.strip()]
        if app == "generator-worker":
            served_generators.append(env.get("GENERATOR"))

    # NLU tasks and generators: each deployed once, and the selector waits for exactly those.
    for what, served, known in (("NLU task", served_tasks, facts.tasks), ("generator", served_generators, facts.generators)):
        for item in sorted(set(known) | set(served)):
            if served.count(item) != 1:
                overlay.errors.append(f"{overlay.name}: {what} {item}: served by {served.count(item)} Deployments, expected 1")
    for name, (app, env) in env_of.items():
        if app == "selector":
            for var, served in (("SELECTOR_EXPECTED_TASKS", served_tasks), ("SELECTOR_EXPECTED_GENERATORS", served_generators)):
                expected = [t.strip() for t in env.get(var, "").split(",") if t.strip()]
                if sorted(expected) != sorted(served):
                    overlay.errors.append(f"{overlay.name}: selector {var}={','.join(expected)} but deployed: {','.join(sorted(served))}")

    check_kafka(overlay, facts, kafka, common, prefix, env_of, user_app)
    check_scaled_objects(overlay, facts, cluster, common, prefix, env_of, users)
    check_network(overlay, kafka, pods_of, env_of)
    check_clickhouse(overlay)

    # KafkaTopics = topics.ts, under TOPIC_PREFIX
    declared = {t["spec"].get("topicName", t["metadata"]["name"]): t for t in overlay.of("KafkaTopic")}
    expected_topics = {prefix + name: spec for name, spec in facts.topic_specs.items()}
    for name in sorted(set(declared) | set(expected_topics)):
        if name not in declared or name not in expected_topics:
            overlay.errors.append(f"{overlay.name}: topic {name}: in {'the manifests' if name in declared else 'topics.ts'} only (TOPIC_PREFIX={prefix!r})")
            continue
        partitions, retention, policy = expected_topics[name]
        spec = declared[name]["spec"]
        config = spec.get("config", {})
        found = (spec.get("partitions"), int(config.get("retention.ms", 0)), config.get("cleanup.policy"))
        if found != (partitions, retention, policy):
            overlay.fail(declared[name], f"partitions/retention.ms/cleanup.policy {found}, topics.ts says {(partitions, retention, policy)}")
    return len(deployments), len(overlay.of("ScaledObject")), len(declared)


def check_kafka(overlay, facts, kafka, common, prefix, env_of, user_app):
    """The cluster label on every Strimzi object, the listener the apps use, each app's ACLs."""
    cluster = kafka["metadata"]["name"]
    for kind in ("KafkaTopic", "KafkaUser", "KafkaNodePool"):
        for obj in overlay.of(kind):
            label = obj["metadata"].get("labels", {}).get("strimzi.io/cluster")
            if label != cluster:
                overlay.fail(obj, f"label strimzi.io/cluster={label}, but the Kafka cluster is {cluster}: Strimzi's operators ignore it")
    for pool in overlay.of("KafkaNodePool"):
        if not pool["spec"].get("template", {}).get("pod", {}).get("affinity", {}).get("podAntiAffinity"):
            overlay.fail(pool, "no pod anti-affinity: two of its nodes could share a machine")
    spec = kafka["spec"]["kafka"]
    host, _, port = common.get("KAFKA_BROKERS", "").partition(":")
    if host != f"{cluster}-kafka-bootstrap.{kafka['metadata'].get('namespace', 'sassy')}.svc":
        overlay.fail(kafka, f"KAFKA_BROKERS={common.get('KAFKA_BROKERS')} is not this cluster's bootstrap Service")
    listener = next((l for l in spec.get("listeners", []) if str(l.get("port")) == port), None)
    if not listener or not listener.get("tls") or listener.get("authentication", {}).get("type") != "scram-sha-512":
        overlay.fail(kafka, f"the listener on port {port} (KAFKA_BROKERS) must have tls: true and scram-sha-512 authentication")
    for other in spec.get("listeners", []):
        if not other.get("tls") or not other.get("authentication"):
            overlay.fail(kafka, f"listener {other.get('name')} is open: plaintext or without authentication")
    if spec.get("authorization", {}).get("type") != "simple":
        overlay.fail(kafka, "spec.kafka.authorization must be simple: without it every user may do anything")
    if overlay.of("KafkaUser") and "userOperator" not in kafka["spec"].get("entityOperator", {}):
        overlay.fail(kafka, "KafkaUsers without entityOperator.userOperator are never created")
    for user, app in sorted(user_app.items()):
        reads, writes, groups = KAFKA_USE[app]
        want = {("topic", prefix + t, "literal"): {"Describe"} | ({"Read"} if t in reads else set()) | ({"Write"} if t in writes else set()) for t in set(reads) | set(writes)}
        want.update({("group", prefix + g, pattern): {"Read"} for g, pattern in groups})
        have = {}
        obj = next(u for u in overlay.of("KafkaUser") if u["metadata"]["name"] == user)
        for acl in obj["spec"].get("authorization", {}).get("acls", []):
            r = acl["resource"]
            if acl.get("type", "allow") == "allow":
                have.setdefault((r["type"], r.get("name"), r.get("patternType", "literal")), set()).update(acl["operations"])
        if obj["spec"].get("authentication", {}).get("type") != "scram-sha-512":
            overlay.fail(obj, "authentication must be scram-sha-512, as the listener")
        for key in sorted(set(want) | set(have)):
            if want.get(key, set()) != have.get(key, set()):
                overlay.fail(obj, f"ACL {key[0]} {key[1]} ({key[2]}): allows {sorted(have.get(key, []))}, {app} needs {sorted(want.get(key, []))}")


def check_scaled_objects(overlay, facts, cluster, common, prefix, env_of, users):
    """The right group, where it starts, KEDA metadata, authentication, replica bounds."""
    keda = facts.keda_kafka
    auths = {a["metadata"]["name"]: a for a in overlay.of("TriggerAuthentication")}
    configmaps = {c["metadata"]["name"]: c.get("data", {}) for c in overlay.of("ConfigMap")}
    for a in auths.values():
        for ref in a["spec"].get("secretTargetRef", []) + a["spec"].get("configMapTargetRef", []):
            if ref["parameter"] not in keda["authParams"]:
                overlay.fail(a, f"parameter {ref['parameter']}: KEDA's Kafka scaler reads no such auth parameter ({', '.join(keda['authParams'])})")
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
        ceiling = min(facts.topic_specs[t][0] for t in inputs)
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
        for key in sorted(meta):
            if key not in keda["metadata"]:
                overlay.fail(s, f"trigger metadata {key}: KEDA's Kafka scaler has no such key, it would be ignored")
            elif keda["metadata"][key] and str(meta[key]) not in keda["metadata"][key]:
                overlay.fail(s, f"trigger metadata {key}={meta[key]}: KEDA accepts only {', '.join(keda['metadata'][key])}")
        if meta.get("consumerGroup") != prefix + group:
            overlay.fail(s, f"consumerGroup {meta.get('consumerGroup')}, but {target} consumes as {prefix + group}")
        if "topic" in meta and meta["topic"] not in [prefix + t for t in inputs]:
            overlay.fail(s, f"topic {meta['topic']} is not one {target} reads ({', '.join(prefix + t for t in inputs)})")
        if meta.get("bootstrapServers") != common.get("KAFKA_BROKERS"):
            overlay.fail(s, f"bootstrapServers {meta.get('bootstrapServers')} differs from KAFKA_BROKERS {common.get('KAFKA_BROKERS')}")
        start = facts.starts.get(app)
        if meta.get("offsetResetPolicy", "latest") != start:
            overlay.fail(
                s,
                f"offsetResetPolicy {meta.get('offsetResetPolicy', 'latest (the default)')}, but {app} starts a new group at the "
                f"{'log start' if start == 'earliest' else 'log end'}: set {start}, or a new group's lag is counted from the wrong end",
            )
        if meta.get("tls") != "enable" or meta.get("sasl") != "scram_sha512":
            overlay.fail(s, "the trigger needs tls: enable and sasl: scram_sha512, as the apps connect")
        auth = auths.get(kafka[0].get("authenticationRef", {}).get("name"))
        if not auth:
            overlay.fail(s, "the trigger has no authenticationRef to a TriggerAuthentication of the overlay: KEDA cannot log in to Kafka")
            continue
        params = {r["parameter"]: r for r in auth["spec"].get("secretTargetRef", []) + auth["spec"].get("configMapTargetRef", [])}
        if not {"username", "password", "ca"} <= set(params):
            overlay.fail(auth, f"needs username, password and ca, has {', '.join(sorted(params))}")
            continue
        user = next((v.get(params["username"]["key"]) for n, v in configmaps.items() if n.startswith(params["username"]["name"])), None)
        if user not in users or params["password"].get("name") != user or params["ca"].get("name") != f"{cluster}-cluster-ca-cert":
            overlay.fail(auth, f"username {user} must be a KafkaUser with its password from the Secret of that name, ca from {cluster}-cluster-ca-cert")
            continue
        acls = [a for a in users[user]["spec"].get("authorization", {}).get("acls", [])]
        for acl in acls:
            if set(acl["operations"]) != {"Describe"}:
                overlay.fail(users[user], f"KEDA's user may only Describe, not {acl['operations']} on {acl['resource'].get('name')}")

        def covered(kind, name):
            return any(
                a["resource"]["type"] == kind
                and (a["resource"].get("name") == name or (a["resource"].get("patternType") == "prefix" and name.startswith(a["resource"].get("name", ""))))
                for a in acls
            )

        measured = [meta["topic"]] if "topic" in meta else [prefix + t for t in inputs]
        for kind, name in [("group", prefix + group)] + [("topic", topic) for topic in measured]:
            if not covered(kind, name):
                overlay.fail(s, f"KEDA's KafkaUser {user} may not Describe {kind} {name}: the scaler cannot read its lag")


# The network paths the architecture draws (docs/architecture.md). Each: (who, to whom, port,
# protocol, why); who and to whom name pods as check_network() builds them.
PATHS = [
    ("every app", "kafka", "listener", "TCP", "apps -> Kafka's TLS listener"),
    ("keda", "kafka", "listener", "TCP", "KEDA reads consumer lag"),
    ("analytics-sink", "clickhouse", 8123, "TCP", "the sink writes to ClickHouse"),
    ("clickhouse-operator", "clickhouse", 8123, "TCP", "the Altinity operator manages its server"),
    ("ingress", "gateway", "http", "TCP", "the public HTTP API"),
    ("ingress", "gateway", "grpc", "TCP", "the public gRPC API"),
    ("ingress", "analytics-sink", "http", "TCP", "the analytics API and dashboard"),
    ("prometheus", "every app", "http", "TCP", "Prometheus scrapes /metrics"),
    ("everything", "dns", 53, "UDP", "name lookups"),
    ("everything", "dns", 53, "TCP", "name lookups"),
    ("kafka", "kafka", 9090, "TCP", "the KRaft quorum"),
    ("kafka", "kafka", 9091, "TCP", "replication"),
    ("kafka", "api", 443, "TCP", "the rack-awareness init container reads its node"),
    ("entity-operator", "kafka", 9091, "TCP", "the topic and user operators"),
    ("entity-operator", "api", 443, "TCP", "the topic and user operators watch their resources"),
]


def check_network(overlay, kafka, pods_of, env_of):
    policies = overlay.of("NetworkPolicy")
    if not any(p["spec"]["podSelector"] == {} and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"} and not p["spec"].get("ingress") and not p["spec"].get("egress") for p in policies):
        overlay.errors.append(f"{overlay.name}: no default-deny NetworkPolicy (podSelector {{}}, Ingress and Egress, no rules)")
    cluster = kafka["metadata"]["name"]
    host_port = int(next(iter(env_of.values()))[1].get("KAFKA_BROKERS", ":0").rpartition(":")[2]) if env_of else 0
    listener = next((l for l in kafka["spec"]["kafka"].get("listeners", []) if l.get("port") == host_port), {})
    kafka_pod = Pod("kafka", OUR_NAMESPACE, {"strimzi.io/cluster": cluster, "strimzi.io/kind": "Kafka", "strimzi.io/name": f"{cluster}-kafka", "strimzi.io/broker-role": "true"}, {"listener": host_port})
    chis = overlay.of("ClickHouseInstallation")
    pods = {
        "kafka": [kafka_pod],
        "entity-operator": [Pod("entity-operator", OUR_NAMESPACE, {"strimzi.io/cluster": cluster, "strimzi.io/kind": "Kafka", "strimzi.io/name": f"{cluster}-entity-operator"})],
        "clickhouse": [Pod("clickhouse", OUR_NAMESPACE, {"clickhouse.altinity.com/chi": c["metadata"]["name"]}) for c in chis],
        "every app": list(pods_of.values()),
        "gateway": [pods_of[n] for n, (app, _) in env_of.items() if app == "gateway"],
        "analytics-sink": [pods_of[n] for n, (app, _) in env_of.items() if app == "analytics-sink"],
        "ingress": [Pod("an ingress controller", *INGRESS_CONTROLLER)],
        "prometheus": [Pod("Prometheus", *PROMETHEUS)],
        "keda": [Pod("KEDA's operator", *KEDA_OPERATOR)],
        "clickhouse-operator": [Pod("the Altinity operator", *CLICKHOUSE_OPERATOR)],
        "dns": [Pod("DNS", ip=DNS_SERVER)],
        "api": [Pod("the Kubernetes API", ip=API_SERVER)],
    }
    pods["everything"] = pods["every app"] + pods["kafka"] + pods["entity-operator"] + pods["clickhouse"]
    # Ingress to the Kafka pods is Strimzi's generated policy: the listener's networkPolicyPeers
    # (all pods when empty), the other ports from the Kafka pods and Strimzi's own components.
    strimzi = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": f"{cluster}-network-policy-kafka (generated by Strimzi)"},
        "spec": {
            "podSelector": {"matchLabels": {"strimzi.io/name": f"{cluster}-kafka"}},
            "policyTypes": ["Ingress"],
            "ingress": [
                {"from": listener.get("networkPolicyPeers", []), "ports": [{"port": host_port}]},
                {"from": [{"podSelector": {"matchLabels": {"strimzi.io/cluster": cluster}}}], "ports": [{"port": 9090}, {"port": 9091}]},
            ],
        },
    }
    if not listener.get("networkPolicyPeers"):
        overlay.fail(kafka, f"listener on {host_port} has no networkPolicyPeers: every pod in the cluster may connect")
    everything = policies + [strimzi]
    for who, whom, port, protocol, why in PATHS:
        for source in pods[who]:
            for destination in pods[whom]:
                number = destination.ports.get(port) if isinstance(port, str) else port
                if number is None:
                    overlay.errors.append(f"{overlay.name}: path {who} -> {whom}: {destination.what} has no port {port}")
                elif not allowed(everything, source, destination, number, protocol):
                    overlay.errors.append(f"{overlay.name}: NetworkPolicies block {source.what} -> {destination.what}:{number}/{protocol} ({why})")
    # And what must stay closed.
    for name, source in pods_of.items():
        if env_of[name][0] != "analytics-sink":
            for destination in pods["clickhouse"]:
                if allowed(everything, source, destination, 8123):
                    overlay.errors.append(f"{overlay.name}: NetworkPolicies let {name} reach ClickHouse, which only the sink may")
    stranger = Pod("a pod of another app", {"kubernetes.io/metadata.name": "other"}, {"app": "other"})
    for destination in pods["kafka"]:
        if allowed(everything, stranger, destination, host_port):
            overlay.errors.append(f"{overlay.name}: NetworkPolicies let any pod reach Kafka's listener {host_port}")


def check_clickhouse(overlay):
    """Users with passwords from Secrets, never from any address."""
    for chi in overlay.of("ClickHouseInstallation"):
        users = chi["spec"].get("configuration", {}).get("users", {})
        names = {k.split("/")[0] for k in users}
        for user in sorted(names):
            if f"{user}/password" in users:
                overlay.fail(chi, f"user {user}: a password in the manifest; use {user}/k8s_secret_password")
            ips = users.get(f"{user}/networks/ip")
            ips = [ips] if isinstance(ips, str) else ips or []
            if not ips or any(ipaddress.ip_network(ip, strict=False).prefixlen == 0 for ip in ips):
                overlay.fail(chi, f"user {user}: networks/ip {ips or 'unset'} lets any address log in; list the cluster's private ranges")


def gpu_counts(overlay):
    """(GPU Deployments, nvidia.com/gpu at the minimum and maximum replica counts) of an overlay."""
    counts = [0, 0, 0]
    bounds = {s["spec"]["scaleTargetRef"]["name"]: (s["spec"].get("minReplicaCount", 1), s["spec"].get("maxReplicaCount", 100)) for s in overlay.of("ScaledObject")}
    for d in overlay.of("Deployment"):
        gpus = int(d["spec"]["template"]["spec"]["containers"][0].get("resources", {}).get("limits", {}).get("nvidia.com/gpu", 0))
        if gpus:
            low, high = bounds.get(d["metadata"]["name"], (1, 1))
            counts = [counts[0] + 1, counts[1] + gpus * low, counts[2] + gpus * high]
    return tuple(counts)


def gpu_slices(overlay_name):
    """Time-slicing replicas per GPU from the overlay's device plugin config, or 1."""
    path = os.path.join(ROOT, "k8s", "overlays", overlay_name, "nvidia-device-plugin.config.yaml")
    if not os.path.exists(path):
        return 1
    with open(path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    resources = config.get("sharing", {}).get("timeSlicing", {}).get("resources", [])
    return next((r["replicas"] for r in resources if r["name"] == "nvidia.com/gpu"), 1)


def main(argv):
    if len(argv) < 3 or argv[0] != "--keda-kafka":
        raise SystemExit(__doc__)
    facts = Facts(argv[1])
    errors = []
    for path in argv[2:]:
        overlay = Overlay.load(path)
        deployments, scaled, declared = check(overlay, facts)
        errors += overlay.errors
        if not overlay.errors:
            line = (
                f"[k8s] checks, {overlay.name}: {deployments} Deployments ({len(facts.tasks)} NLU tasks, {len(facts.generators)} generators), "
                f"{scaled} ScaledObjects within their partitions, {declared} topics as in topics.ts, Kafka users, NetworkPolicy paths"
            )
            gpu_deployments, low, high = gpu_counts(overlay)
            if gpu_deployments:
                slices = gpu_slices(overlay.name)
                line += (
                    f"; {gpu_deployments} GPU Deployments: {low}-{high} nvidia.com/gpu, "
                    f"{math.ceil(low / slices)}-{math.ceil(high / slices)} GPUs at {slices} per GPU"
                )
            print(line)
    for error in errors:
        print(f"[k8s] {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
