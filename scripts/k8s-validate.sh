#!/usr/bin/env bash
# `npm run k8s:validate`: renders every kustomize overlay under k8s/overlays/ and validates every
# object it holds, custom resources included, against pinned schemas, with no cluster and no kubectl:
#   1. kustomize (built from the Go module proxy) renders each overlay;
#   2. kubeconform -strict checks each object against local schemas only: Kubernetes' own (from the
#      PyPI package kubernetes-validate) and the CRDs of KEDA, Strimzi, the Altinity operator and
#      the Prometheus operator (converted by scripts/k8s/crd2jsonschema.py). No
#      -ignore-missing-schemas: an object whose schema is not there fails;
#   3. scripts/k8s/check_manifests.py checks what schemas cannot: env names and values the apps
#      accept, one Deployment per NLU task and generator, consumer groups and where they start,
#      KEDA trigger metadata (against the pinned KEDA's source), replica ceilings vs. partitions,
#      Kafka users and ACLs, NetworkPolicy paths, GPU settings;
#   4. scripts/k8s/check_manifests_test.py: the checks of 3 catch each known mistake (a mutation of
#      the rendered overlays per test), in a few seconds.
# Tools and schemas are fetched once into .cache/k8s/ (git-ignored); later runs are offline.
# Needs: python3 with pip, mvn (Maven Central, for Strimzi's CRDs); Go >= 1.26, fetched when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

# ---- pinned versions (change here; the cache notices) ------------------------------------------
KUSTOMIZE_VERSION=v5.8.2      # Go module sigs.k8s.io/kustomize/kustomize/v5 (v5.8.3 needs Go 1.27)
KUBECONFORM_VERSION=v0.8.0    # Go module github.com/yannh/kubeconform
# PyPI kubernetes-validate: JSON schemas of Kubernetes 1.25 ... 1.37 in kubeconform's layout.
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VALIDATE_SHA256=85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9
# Validate against the oldest Kubernetes docs/deploy.md supports and the newest the package knows.
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
# Go module github.com/kedacore/keda/v2: config/crd/bases/*.yaml (ScaledObject, ...), and
# pkg/scalers/kafka_scaler.go for the Kafka trigger's metadata keys (scripts/k8s/keda_trigger_metadata.py).
KEDA_VERSION=v2.21.0
# Go module github.com/prometheus-operator/prometheus-operator: example/prometheus-operator-crd
# (PodMonitor, ServiceMonitor), the newest release the module proxy serves here.
PROMETHEUS_OPERATOR_VERSION=v0.85.0
# Maven Central io.strimzi:api:<version>:tests holds the generated CRDs (crds/v1/*.yaml, API kafka.strimzi.io/v1).
STRIMZI_VERSION=0.51.0
STRIMZI_API_TESTS_SHA256=b99f69303dc507ca505b74345d93f5260621bb084b8b79447f726e54b6e66a1d
# Go module github.com/altinity/clickhouse-operator: the module proxy serves no tagged release of
# it (its tags are not semver), only this pseudo-version (operator 0.16.1, release file in the zip).
# Its ClickHouseInstallation v1 schema is older than the operator docs/deploy.md installs, so
# k8s/infra/clickhouse.yaml keeps to fields both know.
ALTINITY_OPERATOR_VERSION=v0.0.0-20211101130143-50134723c388
PYYAML_VERSION=6.0.3          # PyPI; only installed (into the cache) when python3 lacks yaml

CACHE="$ROOT/.cache/k8s"
STRIMZI_JAR="$CACHE/downloads/strimzi-api-$STRIMZI_VERSION-tests.jar"
# `--maven-cached`: only answer, by exit status, whether the one download that needs Maven is here (for scripts/prereqs.sh).
if [[ "${1:-}" == --maven-cached ]]; then
  [[ -f "$STRIMZI_JAR" ]]
  exit
fi
now() { date +%s%N; }
elapsed() { # since a now() reading, as "12.3 s"
  local ms=$((($(now) - $1) / 1000000))
  printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100))
}
started=$(now)
log() { echo "[k8s] $*"; }
fail() {
  echo "[k8s] ERROR: $*" >&2
  exit 1
}
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
stamp_matches() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

# Go >= 1.26 from PATH or /usr/local/go, else fetched from the module proxy into .cache (scripts/go-fetch.sh).
GO="$(bash "$ROOT/scripts/go-fetch.sh")" || fail "no Go >= 1.26 and it could not be fetched (install it, or put it on PATH)"
command -v python3 >/dev/null || fail "python3 not found"

# Go builds and downloads stay inside the cache; the module proxy and its checksum database (as
# configured, by default proxy.golang.org and sum.golang.org) verify every module.
export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS=-modcacherw GOTOOLCHAIN=local CGO_ENABLED=0
mkdir -p "$CACHE/downloads"

# ---- 1. tools ----------------------------------------------------------------------------------
go_tool() { # name module version -> path of the binary
  local name=$1 module=$2 version=$3 dir="$CACHE/tools/$1@$3"
  if [[ ! -x "$dir/$name" ]]; then
    local t
    t=$(now)
    log "building $module@$version (once) ..." >&2
    GOBIN="$dir" "$GO" install "$module@$version" >&2 || fail "go install $module@$version failed"
    log "built $name in $(elapsed "$t")" >&2
  fi
  echo "$dir/$name"
}
KUSTOMIZE="$(go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION")"
KUBECONFORM="$(go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")"
log "tools: kustomize $KUSTOMIZE_VERSION, kubeconform $KUBECONFORM_VERSION"

if ! python3 -c 'import yaml' 2>/dev/null; then
  if [[ ! -f "$CACHE/pylib/.pyyaml-$PYYAML_VERSION" ]]; then
    log "installing PyYAML $PYYAML_VERSION into $CACHE/pylib ..."
    rm -rf "$CACHE/pylib"
    python3 -m pip install --quiet --disable-pip-version-check --target "$CACHE/pylib" "PyYAML==$PYYAML_VERSION"
    touch "$CACHE/pylib/.pyyaml-$PYYAML_VERSION"
  fi
  export PYTHONPATH="$CACHE/pylib${PYTHONPATH:+:$PYTHONPATH}"
fi

# ---- 2. Kubernetes schemas ---------------------------------------------------------------------
CORE="$CACHE/schemas/kubernetes"
core_stamp="kubernetes-validate==$KUBERNETES_VALIDATE_VERSION ${KUBERNETES_VERSIONS[*]} $(sha256_of scripts/k8s/core_schemas.py)"
if ! stamp_matches "$CORE/.stamp" "$core_stamp"; then
  t=$(now)
  wheel="$CACHE/downloads/kubernetes_validate-$KUBERNETES_VALIDATE_VERSION-py3-none-any.whl"
  if [[ ! -f "$wheel" ]]; then
    log "downloading kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI ..."
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      -d "$CACHE/downloads" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  fi
  [[ "$(sha256_of "$wheel")" == "$KUBERNETES_VALIDATE_SHA256" ]] || {
    rm -f "$wheel"
    fail "kubernetes-validate wheel checksum mismatch"
  }
  log "unpacking Kubernetes schemas ${KUBERNETES_VERSIONS[*]} ..."
  mkdir -p "$CORE"
  python3 scripts/k8s/core_schemas.py "$wheel" "$CORE" "${KUBERNETES_VERSIONS[@]}"
  echo "$core_stamp" >"$CORE/.stamp"
  log "Kubernetes schemas ready in $(elapsed "$t")"
fi

# ---- 3. CRD schemas ----------------------------------------------------------------------------
CRDS="$CACHE/schemas/crds"
crd_stamp="keda $KEDA_VERSION strimzi $STRIMZI_VERSION altinity $ALTINITY_OPERATOR_VERSION prometheus-operator $PROMETHEUS_OPERATOR_VERSION $(sha256_of scripts/k8s/crd2jsonschema.py) $(sha256_of scripts/k8s/keda_trigger_metadata.py)"
if ! stamp_matches "$CRDS/.stamp" "$crd_stamp"; then
  t=$(now)
  go_module_dir() { # module@version -> its unpacked folder, checksum-verified by the go command
    "$GO" mod download -json "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d["Error"]) if d.get("Error") else print(d["Dir"])'
  }
  log "fetching KEDA $KEDA_VERSION CRDs (Go module proxy) ..."
  keda="$(go_module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION")"
  log "fetching Altinity clickhouse-operator $ALTINITY_OPERATOR_VERSION CRDs (Go module proxy) ..."
  altinity="$(go_module_dir "github.com/altinity/clickhouse-operator@$ALTINITY_OPERATOR_VERSION")"
  log "fetching Prometheus operator $PROMETHEUS_OPERATOR_VERSION CRDs (Go module proxy) ..."
  promop="$(go_module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")"
  log "fetching Strimzi $STRIMZI_VERSION CRDs (Maven Central io.strimzi:api:$STRIMZI_VERSION:tests) ..."
  jar="$STRIMZI_JAR"
  if [[ ! -f "$jar" ]]; then
    command -v mvn >/dev/null || fail "mvn (Apache Maven) not found: it fetches Strimzi's CRDs from Maven Central"
    # Output shown only on failure: Maven prints stray ANSI codes even with -q -B.
    if ! mvn_out="$(mvn -B -q -Dstyle.color=never dependency:copy "-Dartifact=io.strimzi:api:$STRIMZI_VERSION:jar:tests" \
      -DoutputDirectory="$CACHE/downloads" 2>&1)"; then
      printf '%s\n' "$mvn_out" >&2
      fail "Maven could not fetch io.strimzi:api:$STRIMZI_VERSION:tests"
    fi
    mv "$CACHE/downloads/api-$STRIMZI_VERSION-tests.jar" "$jar"
  fi
  [[ "$(sha256_of "$jar")" == "$STRIMZI_API_TESTS_SHA256" ]] || {
    rm -f "$jar"
    fail "io.strimzi:api:$STRIMZI_VERSION:tests checksum mismatch"
  }
  strimzi="$CACHE/downloads/strimzi-$STRIMZI_VERSION-crds"
  rm -rf "$strimzi" && mkdir -p "$strimzi"
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist() if n.startswith("crds/v1/") and n.endswith(".yaml")]' "$jar" "$strimzi"

  log "converting CRDs to JSON schemas ..."
  rm -rf "$CRDS.tmp" && mkdir -p "$CRDS.tmp"
  python3 scripts/k8s/crd2jsonschema.py "$CRDS.tmp" \
    "$keda"/config/crd/bases/*.yaml \
    "$strimzi"/crds/v1/*.yaml \
    "$altinity/deploy/operator/clickhouse-operator-install-bundle.yaml" \
    "$promop"/example/prometheus-operator-crd/monitoring.coreos.com_{podmonitors,servicemonitors}.yaml
  python3 scripts/k8s/keda_trigger_metadata.py "$keda/pkg/scalers/kafka_scaler.go" "$CRDS.tmp/keda-kafka-trigger.json"
  rm -rf "$CRDS" && mv "$CRDS.tmp" "$CRDS"
  echo "$crd_stamp" >"$CRDS/.stamp"
  log "CRD schemas ready in $(elapsed "$t")"
fi

# The Go build and module caches only served the steps above (a few hundred MB): keep the results.
rm -rf "$CACHE/go"

# ---- 4. render and validate --------------------------------------------------------------------
shopt -s nullglob
RENDERED="$CACHE/rendered"
rm -rf "$RENDERED" && mkdir -p "$RENDERED"
overlays=()
for dir in k8s/overlays/*/; do
  name="$(basename "$dir")"
  t=$(now)
  "$KUSTOMIZE" build "$dir" >"$RENDERED/$name.yaml" || fail "kustomize build $dir failed"
  log "rendered $dir: $(grep -c '^kind:' "$RENDERED/$name.yaml") objects in $(elapsed "$t")"
  overlays+=("$RENDERED/$name.yaml")
done
((${#overlays[@]} > 0)) || fail "no overlay under k8s/overlays/"

for version in "${KUBERNETES_VERSIONS[@]}"; do
  t=$(now)
  # No -ignore-missing-schemas and no -skip: every object needs a schema from one of these two places.
  if ! "$KUBECONFORM" -strict -summary -output text -kubernetes-version "$version" \
    -schema-location "$CORE/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$CRDS/{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json" \
    "${overlays[@]}"; then
    fail "schema validation against Kubernetes $version failed (rendered manifests in $RENDERED)"
  fi
  log "kubeconform -strict, Kubernetes $version: ok in $(elapsed "$t")"
done

KEDA_KAFKA="$CRDS/keda-kafka-trigger.json"
python3 scripts/k8s/check_manifests.py --keda-kafka "$KEDA_KAFKA" "${overlays[@]}" ||
  fail "manifest checks failed (rendered manifests in $RENDERED)"
# Each known mistake, applied to the overlays just rendered, must fail the checks above.
t=$(now)
python3 scripts/k8s/check_manifests_test.py --keda-kafka "$KEDA_KAFKA" "${overlays[@]}" ||
  fail "the manifest checks let a known mistake through (scripts/k8s/check_manifests_test.py)"
log "mutation tests: ok in $(elapsed "$t")"
log "all overlays valid in $(elapsed "$started")"
