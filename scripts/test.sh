#!/usr/bin/env bash
# `npm test`: set up if needed, then unit tests and integration tests against a real broker and chdb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# System packages first (the manifest check needs pip and Maven), then the Kubernetes manifests:
# a broken one fails here in seconds, not after the slow suites.
bash scripts/prereqs.sh test
bash scripts/k8s-validate.sh
bash scripts/setup.sh test
# fasttext.wasm.js (the language model) loads its WebAssembly glue with a dynamic import(), which
# Jest's module sandbox only allows with VM modules on.
export NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning ${NODE_OPTIONS:-}"
npx jest --selectProjects unit
npx jest --selectProjects integration --runInBand
