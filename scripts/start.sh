#!/usr/bin/env bash
# `npm start`: set up if needed, then run the whole pipeline locally until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh start
exec node dist/scripts/start-local.js
