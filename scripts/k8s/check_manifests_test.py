#!/usr/bin/env python3
"""Mutation tests of scripts/k8s/check_manifests.py: each test makes one known mistake in the
overlays scripts/k8s-validate.sh has just rendered and expects the checks to name it. Without the
check a test is about, its mistake passes and the test fails. Run by scripts/k8s-validate.sh (so by
`npm test`), in well under a second:

  check_manifests_test.py --keda-kafka KEDA.json RENDERED.yaml...
"""

import copy
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_manifests as cm  # noqa: E402

FACTS, RENDERED = None, {}


def find(objects, kind, name):
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def container(objects, deployment):
    return find(objects, "Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]


def set_env(objects, deployment, name, value):
    env = container(objects, deployment)["env"]
    env[:] = [e for e in env if e["name"] != name] + [{"name": name, "value": value}]


def common(objects):
    return next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("sassy-common"))["data"]


def trigger(objects, scaled_object):
    return find(objects, "ScaledObject", scaled_object)["spec"]["triggers"][0]


class Mutations(unittest.TestCase):
    def errors(self, overlay, mutate):
        objects = copy.deepcopy(RENDERED[overlay])
        mutate(objects)
        checked = cm.Overlay(overlay, objects)
        cm.check(checked, FACTS)
        return checked.errors

    def assertCaught(self, overlay, mutate, *patterns):
        errors = self.errors(overlay, mutate)
        for pattern in patterns:
            self.assertTrue(any(re.search(pattern, e) for e in errors), f"no error matches {pattern!r}; errors: {errors}")

    def test_the_rendered_overlays_pass(self):
        self.assertGreaterEqual(set(RENDERED), {"cpu", "gpu", "production-cpu"})
        for overlay in RENDERED:
            self.assertEqual(self.errors(overlay, lambda objects: None), [])

    # ---- autoscaling -----------------------------------------------------------------------------

    def test_a_keda_metadata_typo(self):
        def typo(objects):
            meta = trigger(objects, "nlu-intent")["metadata"]
            meta["lagThresold"] = meta.pop("lagThreshold")

        self.assertCaught("gpu", typo, r"ScaledObject/nlu-intent: trigger metadata lagThresold: KEDA's Kafka scaler has no such key")

    def test_an_invalid_offset_reset_policy(self):
        self.assertCaught(
            "cpu",
            lambda objects: trigger(objects, "selector")["metadata"].update(offsetResetPolicy="beginning"),
            r"ScaledObject/selector: trigger metadata offsetResetPolicy=beginning: KEDA accepts only latest, earliest",
        )

    def test_an_offset_reset_policy_unlike_the_workers_start(self):
        self.assertCaught(
            "gpu",
            lambda objects: trigger(objects, "gen-llm")["metadata"].update(offsetResetPolicy="earliest"),
            r"ScaledObject/gen-llm: offsetResetPolicy earliest, but generator-worker starts a new group at the log end",
        )

    def test_a_trigger_without_authentication(self):
        self.assertCaught(
            "cpu",
            lambda objects: trigger(objects, "analytics-sink").pop("authenticationRef"),
            r"ScaledObject/analytics-sink: the trigger has no authenticationRef",
        )

    # ---- configuration the apps refuse -----------------------------------------------------------

    def test_ort_provider_gpu(self):
        self.assertCaught(
            "gpu",
            lambda objects: set_env(objects, "nlu-emotion", "ORT_PROVIDER", "gpu"),
            r"Deployment/nlu-emotion: env ORT_PROVIDER='gpu': the app refuses it at start: must be one of cpu, cuda",
        )

    def test_an_invalid_topic_prefix(self):
        self.assertCaught(
            "production-cpu",
            lambda objects: common(objects).update(TOPIC_PREFIX="prod/"),
            r"Deployment/gateway: env TOPIC_PREFIX='prod/': the app refuses it at start: must be matching /\^\[a-zA-Z0-9\._-\]\*\$/",
        )

    def test_a_flag_that_reads_as_false(self):
        self.assertCaught(
            "cpu",
            lambda objects: common(objects).update(KAFKA_SSL="ture"),
            r"Deployment/selector: env KAFKA_SSL='ture': .* anything else reads as false",
        )

    # ---- Kafka -----------------------------------------------------------------------------------

    def test_a_kafka_topic_with_the_wrong_cluster_label(self):
        self.assertCaught(
            "cpu",
            lambda objects: find(objects, "KafkaTopic", "chat.replies")["metadata"]["labels"].update({"strimzi.io/cluster": "my-cluster"}),
            r"KafkaTopic/chat.replies: label strimzi.io/cluster=my-cluster, but the Kafka cluster is sassy-kafka",
        )

    def test_a_deployment_without_its_kafka_user_credentials(self):
        def drop(objects):
            env = container(objects, "selector")["env"]
            env[:] = [e for e in env if e["name"] != "KAFKA_SASL_PASSWORD"]

        self.assertCaught("gpu", drop, r"Deployment/selector: KAFKA_SASL_PASSWORD must come from the Secret kafka-selector")

    def test_a_deployment_as_another_apps_kafka_user(self):
        def borrow(objects):
            set_env(objects, "gateway", "KAFKA_SASL_USERNAME", "kafka-selector")

        self.assertCaught("cpu", borrow, r"Deployment/gateway: KAFKA_SASL_PASSWORD must come from the Secret kafka-selector")

    def test_an_acl_beyond_what_the_app_uses(self):
        def widen(objects):
            acls = find(objects, "KafkaUser", "kafka-nlu-worker")["spec"]["authorization"]["acls"]
            acls.append({"resource": {"type": "topic", "name": "chat.replies", "patternType": "literal"}, "operations": ["Write"]})

        self.assertCaught("cpu", widen, r"KafkaUser/kafka-nlu-worker: ACL topic chat.replies \(literal\): allows \['Write'\], nlu-worker needs \[\]")

    def test_a_plaintext_listener(self):
        def plaintext(objects):
            find(objects, "Kafka", "sassy-kafka")["spec"]["kafka"]["listeners"].append({"name": "plain", "port": 9092, "type": "internal", "tls": False})

        self.assertCaught("production-cpu", plaintext, r"Kafka/sassy-kafka: listener plain is open")

    def test_no_kafka_authorization(self):
        self.assertCaught(
            "cpu",
            lambda objects: find(objects, "Kafka", "sassy-kafka")["spec"]["kafka"].pop("authorization"),
            r"Kafka/sassy-kafka: spec.kafka.authorization must be simple",
        )

    # ---- NetworkPolicies -------------------------------------------------------------------------

    def test_a_missing_network_policy_path(self):
        self.assertCaught(
            "gpu",
            lambda objects: objects.remove(find(objects, "NetworkPolicy", "sink-to-clickhouse")),
            r"NetworkPolicies block analytics-sink -> clickhouse:8123/TCP \(the sink writes to ClickHouse\)",
        )

    def test_no_default_deny(self):
        self.assertCaught("cpu", lambda objects: objects.remove(find(objects, "NetworkPolicy", "default-deny")), r"no default-deny NetworkPolicy")

    def test_clickhouse_open_to_every_app(self):
        def open_up(objects):
            find(objects, "NetworkPolicy", "clickhouse-ingress")["spec"]["ingress"][0]["from"].append({"podSelector": {}})
            find(objects, "NetworkPolicy", "sink-to-clickhouse")["spec"]["podSelector"] = {}

        self.assertCaught("cpu", open_up, r"NetworkPolicies let gateway reach ClickHouse")

    def test_a_kafka_listener_open_to_every_pod(self):
        def open_up(objects):
            listener = find(objects, "Kafka", "sassy-kafka")["spec"]["kafka"]["listeners"][0]
            listener.pop("networkPolicyPeers")

        self.assertCaught("cpu", open_up, r"has no networkPolicyPeers", r"let any pod reach Kafka's listener 9093")

    # ---- GPU -------------------------------------------------------------------------------------

    def test_a_gpu_overlay_without_its_image_swap(self):
        def no_swap(objects):
            cpu_image = container(objects, "selector")["image"]
            for d in ("nlu-intent", "gen-retrieval", "gen-llm"):
                container(objects, d)["image"] = cpu_image

        self.assertCaught("gpu", no_swap, r"Deployment/gen-llm: a GPU pod runs 'registry.example.com/sassy-social-bot:0.1.0', not the GPU image")

    def test_a_gpu_node_selector_the_device_plugin_does_not_set(self):
        def select(objects):
            find(objects, "Deployment", "nlu-toxicity")["spec"]["template"]["spec"]["nodeSelector"] = {"nvidia.com/gpu.present": "true"}

        self.assertCaught("gpu", select, r"Deployment/nlu-toxicity: selects nodes by nvidia.com/gpu.present, which only the GPU Operator sets")

    def test_a_gpu_pod_that_would_run_on_its_cpu(self):
        def lenient(objects):
            env = container(objects, "nlu-intent")["env"]
            env[:] = [e for e in env if e["name"] != "ORT_PROVIDER_REQUIRED"]
            set_env(objects, "gen-llm", "LLM_GPU_REQUIRED", "false")

        self.assertCaught(
            "gpu",
            lenient,
            r"Deployment/nlu-intent: ORT_PROVIDER=cuda without ORT_PROVIDER_REQUIRED=true",
            r"Deployment/gen-llm: LLM_GPU_LAYERS > 0 without LLM_GPU_REQUIRED=true",
        )

    def test_a_gpu_pod_without_memory_for_cuda(self):
        self.assertCaught(
            "gpu",
            lambda objects: container(objects, "gen-retrieval")["resources"]["limits"].update(memory="1Gi"),
            r"Deployment/gen-retrieval: memory limit 1Gi is below 3Gi",
        )

    # ---- the rest --------------------------------------------------------------------------------

    def test_a_clickhouse_user_from_anywhere(self):
        def anywhere(objects):
            find(objects, "ClickHouseInstallation", "analytics")["spec"]["configuration"]["users"]["sassy/networks/ip"] = "::/0"

        self.assertCaught("cpu", anywhere, r"ClickHouseInstallation/analytics: user sassy: networks/ip \['::/0'\] lets any address log in")

    def test_a_pdb_that_blocks_drains(self):
        self.assertCaught(
            "cpu",
            lambda objects: find(objects, "PodDisruptionBudget", "gateway")["spec"].pop("unhealthyPodEvictionPolicy"),
            r"PodDisruptionBudget/gateway: unhealthyPodEvictionPolicy must be AlwaysAllow",
        )

    def test_no_pod_monitor(self):
        self.assertCaught("cpu", lambda objects: objects.remove(find(objects, "PodMonitor", "sassy-apps")), r"Deployment/nlu-language: no PodMonitor")

    def test_docs_state_the_gpu_counts_of_the_gpu_overlay(self):
        deployments, low, high = cm.gpu_counts(cm.Overlay("gpu", RENDERED["gpu"]))
        slices = cm.gpu_slices("gpu")
        docs = cm.read("docs/deploy.md")
        for figure in (f"{low} `nvidia.com/gpu`", f"{high} `nvidia.com/gpu`", f"{-(-low // slices)} GPUs", f"{-(-high // slices)} GPUs", f"replicas: {slices}"):
            self.assertTrue(figure in docs, f"docs/deploy.md (GPU nodes) no longer says {figure!r}, what the gpu overlay needs")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 3 or args[0] != "--keda-kafka":
        raise SystemExit(__doc__)
    FACTS = cm.Facts(args[1])
    RENDERED.update({cm.Overlay.load(path).name: cm.Overlay.load(path).objects for path in args[2:]})
    unittest.main(argv=[sys.argv[0]], verbosity=1)
