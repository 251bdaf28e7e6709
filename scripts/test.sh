#!/usr/bin/env bash
# `npm test`: set up if needed, then unit tests and integration tests against a real broker and chdb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
npx jest --selectProjects unit
npx jest --selectProjects integration --runInBand
