#!/usr/bin/env python3
"""Reads what a KEDA scaler accepts from the `keda:"..."` tags of its metadata struct in KEDA's
source (the pinned Go module scripts/k8s-validate.sh downloads) and writes it as JSON, so that
scripts/k8s/check_manifests.py checks trigger metadata against the KEDA release it validates with,
not against a list copied by hand:

  {"metadata": {"lagThreshold": null, "offsetResetPolicy": ["latest", "earliest"], ...},
   "authParams": ["ca", "password", "sasl", ...]}

metadata: the keys a ScaledObject's trigger `metadata` may hold (order includes triggerMetadata;
with resolvedEnv also <key>FromEnv), each with its enum or null. authParams: the parameters a
TriggerAuthentication may set (order includes authParams).

usage: keda_trigger_metadata.py SCALER.go OUT.json
"""

import json
import re
import sys


def main(source, out):
    with open(source, encoding="utf-8") as f:
        text = f.read()
    metadata, auth = {}, set()
    for tag in re.findall(r'`keda:"([^"]+)"`', text):
        fields = dict(part.split("=", 1) if "=" in part else (part, "") for part in tag.split(","))
        name, order = fields.get("name"), fields.get("order", "").split(";")
        if not name:
            continue
        enum = fields["enum"].split(";") if "enum" in fields else None
        if "triggerMetadata" in order:
            metadata[name] = enum
        if "resolvedEnv" in order:
            metadata[name + "FromEnv"] = None
        if "authParams" in order:
            auth.add(name)
    if not metadata:
        raise SystemExit(f"{source}: no keda:\"...\" tags found; has KEDA changed how scalers read metadata?")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"metadata": metadata, "authParams": sorted(auth)}, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
