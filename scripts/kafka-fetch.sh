#!/usr/bin/env bash
# Fetch the Apache Kafka broker jars (KRaft, Scala 2.13) from Maven Central into
# .cache/kafka/<version>/libs. Idempotent: a marker file is written only after a
# complete copy, so an interrupted run is redone instead of leaving a half classpath.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

# Single source of truth for the version is KAFKA_VERSION in the TypeScript launcher;
# KAFKA_VERSION in the environment overrides it (e.g. to try another release).
TS_FILE="libs/local-kafka/src/kafka-broker.ts"
if [[ -z "${KAFKA_VERSION:-}" ]]; then
  KAFKA_VERSION="$(sed -nE "s/^export const KAFKA_VERSION[^=]*= *['\"]([^'\"]+)['\"].*/\1/p" "$TS_FILE" | head -n1)"
fi
if [[ -z "$KAFKA_VERSION" ]]; then
  echo "[kafka] could not read KAFKA_VERSION from $TS_FILE" >&2
  exit 1
fi

DEST="$ROOT/.cache/kafka/$KAFKA_VERSION/libs"
MARKER="$DEST/.complete"

# `--cached`: only answer, by exit status, whether the jars are here (scripts/prereqs.sh asks, to know if Maven is needed).
if [[ "${1:-}" == --cached ]]; then
  [[ -f "$MARKER" ]]
  exit
fi

if [[ -f "$MARKER" ]]; then
  echo "[kafka] jars ready: $(find "$DEST" -maxdepth 1 -name '*.jar' | wc -l) jars in $DEST (cached)"
  exit 0
fi

if ! command -v mvn >/dev/null 2>&1; then
  echo "[kafka] ERROR: 'mvn' (Apache Maven) not found on PATH; install it (e.g. apt-get install maven) and re-run." >&2
  exit 127
fi
if ! command -v java >/dev/null 2>&1 && [[ -z "${JAVA_HOME:-}" ]]; then
  echo "[kafka] WARNING: no 'java' on PATH and JAVA_HOME unset; Kafka $KAFKA_VERSION needs Java 17+ to run." >&2
fi

echo "[kafka] fetching Apache Kafka $KAFKA_VERSION jars from Maven Central..."
start=$(date +%s)

# Copy into a staging dir and rename at the end so readers never see a partial folder.
STAGE="$DEST.tmp.$$"
rm -rf "$STAGE"
trap 'rm -rf "$STAGE"; rmdir "$(dirname "$DEST")" 2>/dev/null || true' EXIT
mkdir -p "$STAGE"

# KAFKA_FETCH_MVN_OPTS: extra Maven flags, e.g. -Dmaven.repo.local=/tmp/m2 or -o.
# Output is captured and shown only on failure: even with -q -B, Maven 3.8 prints stray
# ANSI reset codes that would garble the progress lines.
# shellcheck disable=SC2086
if ! mvn_out="$(mvn -B -q -Dstyle.color=never -f scripts/kafka/pom.xml \
  -Dkafka.version="$KAFKA_VERSION" \
  ${KAFKA_FETCH_MVN_OPTS:-} \
  dependency:copy-dependencies \
  -DincludeScope=runtime \
  -DoutputDirectory="$STAGE" 2>&1)"; then
  printf '%s\n' "$mvn_out" >&2
  echo "[kafka] ERROR: Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see output above)" >&2
  exit 1
fi

count=$(find "$STAGE" -maxdepth 1 -name '*.jar' | wc -l)
if [[ ! -f "$STAGE/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
  echo "[kafka] ERROR: kafka_2.13-$KAFKA_VERSION.jar missing after copy ($count jars)" >&2
  exit 1
fi

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
mv "$STAGE" "$DEST"
trap - EXIT
date -u +%Y-%m-%dT%H:%M:%SZ > "$MARKER"

echo "[kafka] jars ready: $count jars in $DEST ($(( $(date +%s) - start ))s)"
