#!/usr/bin/env python3
"""Converts CustomResourceDefinitions into the JSON-schema files kubeconform reads, one per served
version, named {kind}-{group}-{version}.json in lower case (group in full, e.g.
kafka-kafka.strimzi.io-v1.json), for the template
  -schema-location 'DIR/{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json'.

It mirrors kubeconform's scripts/openapi2jsonschema.py, with its DENY_ROOT_ADDITIONAL_PROPERTIES
behaviour on and two corrections that make it follow the API server more closely:
  - every object schema that lists `properties` gets "additionalProperties": false (an unknown
    field is an error, as with `kubectl apply --validate=strict`), including the root, unless the
    CRD says `x-kubernetes-preserve-unknown-fields: true` there or sets additionalProperties itself;
  - the walk follows schema keywords only (properties, items, allOf, ...), so a field that happens
    to be called "properties" is not mistaken for a schema.
`format: int-or-string` becomes oneOf string/integer, as in openapi2jsonschema.

usage: crd2jsonschema.py OUT_DIR FILE...   (multi-document YAML; documents that are not CRDs are ignored)
"""

import json
import os
import sys

import yaml

SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_VALUES = ("items", "additionalProperties", "not", "additionalItems", "contains")


def strict(schema):
    """A copy of an OpenAPI v3 schema in which undeclared fields are errors."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if schema.get("format") == "int-or-string":
        out.pop("format")
        out.pop("type", None)
        out["oneOf"] = [{"type": "string"}, {"type": "integer"}]
    for key in SCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            out[key] = {name: strict(sub) for name, sub in schema[key].items()}
    for key in SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            out[key] = [strict(sub) for sub in schema[key]]
    for key in SCHEMA_VALUES:
        if isinstance(schema.get(key), dict):
            out[key] = strict(schema[key])
    if "properties" in schema and "additionalProperties" not in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def crds(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not isinstance(doc, dict):
                    continue
                for item in doc.get("items", []) if doc.get("kind", "").endswith("List") else [doc]:
                    if isinstance(item, dict) and item.get("kind") == "CustomResourceDefinition":
                        yield path, item


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    out_dir, paths = argv[1], argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for path, crd in crds(paths):
        spec = crd["spec"]
        kind, group = spec["names"]["kind"], spec["group"]
        for version in spec.get("versions", []):
            schema = (version.get("schema") or {}).get("openAPIV3Schema")
            if not version.get("served", True) or schema is None:
                continue
            name = f"{kind}-{group}-{version['name']}".lower() + ".json"
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                json.dump(strict(schema), f, indent=1)
            written.append(name)
    if not written:
        raise SystemExit(f"no CustomResourceDefinition with a schema in {' '.join(paths)}")
    for name in written:
        print(f"[k8s]   {name}")


if __name__ == "__main__":
    main(sys.argv)
