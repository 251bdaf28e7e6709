#!/usr/bin/env bash
# The Go that the manifest check (scripts/k8s-validate.sh) builds its validators with: the `go` on
# PATH or in /usr/local/go when it is at least GO_MIN, else the pinned toolchain from the Go module
# proxy (the golang.org/toolchain zip that GOTOOLCHAIN itself downloads; apt does not carry Go
# 1.26), checksum-verified, into .cache/go-toolchain. Prints the go binary's path on stdout,
# progress on stderr. --dry-run: say which it would use, or what it would fetch, and fetch nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

GO_MIN=1.26
GO_VERSION=1.26.8
# sha256 of golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-amd64.zip as the proxy serves it.
GO_ZIP_SHA256=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
CACHE="${GO_FETCH_CACHE:-$ROOT/.cache/go-toolchain}"
SYSTEM_GO="${GO_FETCH_SYSTEM_GO:-/usr/local/go/bin/go}"
PROXY="${GOPROXY:-https://proxy.golang.org}"
PROXY="${PROXY%%,*}"
[[ "$PROXY" == direct || "$PROXY" == off ]] && PROXY=https://proxy.golang.org

log() { echo "[go] $*" >&2; }
dry_run=false
[[ "${1:-}" == --dry-run ]] && dry_run=true

# A go binary at least GO_MIN ("go1.26.8" from `go env GOVERSION`).
usable() {
  local version
  version="$("$1" env GOVERSION 2>/dev/null)" || return 1
  version="${version#go}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+ ]] || return 1
  [[ "$(printf '%s\n%s\n' "$GO_MIN" "$version" | sort -V | head -n 1)" == "$GO_MIN" ]]
}

cached="$CACHE/go$GO_VERSION/bin/go"
for candidate in "$(command -v go || true)" "$SYSTEM_GO" "$cached"; do
  if [[ -n "$candidate" && -x "$candidate" ]] && usable "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || {
  log "no Go >= $GO_MIN here, and only the linux-amd64 toolchain is pinned: install Go >= $GO_MIN yourself"
  exit 1
}
url="$PROXY/golang.org/toolchain/@v/v0.0.1-go$GO_VERSION.linux-amd64.zip"
if $dry_run; then
  log "would fetch Go $GO_VERSION from $url into $CACHE"
  echo "$cached"
  exit 0
fi

log "no Go >= $GO_MIN found: fetching Go $GO_VERSION from the module proxy (about 70 MB, once) ..."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/go.zip" "$url"
actual="$(sha256sum "$tmp/go.zip" | cut -d' ' -f1)"
[[ "$actual" == "$GO_ZIP_SHA256" ]] || {
  log "checksum mismatch for $url: $actual"
  exit 1
}
# Module zips keep no file modes: the go command marks the toolchain's programs executable itself.
python3 - "$tmp/go.zip" "$tmp/unpacked" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2])
# golang.org/toolchain@v0.0.1-go<version>.<os>-<arch>/ holds the GOROOT.
top = next(path for path, dirs, files in os.walk(sys.argv[2]) if "VERSION" in files and "bin" in dirs)
for folder in ("bin", os.path.join("pkg", "tool")):
    for path, _, files in os.walk(os.path.join(top, folder)):
        for name in files:
            os.chmod(os.path.join(path, name), 0o755)
os.rename(top, os.path.join(sys.argv[2], "go"))
PY
mkdir -p "$CACHE"
rm -rf "$CACHE/go$GO_VERSION"
mv "$tmp/unpacked/go" "$CACHE/go$GO_VERSION"
usable "$cached" || {
  log "the fetched toolchain does not run: $cached"
  exit 1
}
log "Go $GO_VERSION ready in $CACHE"
echo "$cached"
