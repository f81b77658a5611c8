#!/usr/bin/env bash
# Builds (or finds cached) the Argo Rollouts controller that the argo-controller cluster test runs against the
# suite's control plane, and prints its path. The version is pinned here; the cache lives outside the repository,
# keyed by the version and the build recipe, so a change of pin rebuilds it. The module is fetched through the Go module
# proxy and built from a copy of its source with its own go.mod (its `replace` directives make `go install` refuse it).
# One line of the copy changes: the controller's metrics and healthz servers listen on 127.0.0.1 instead of 0.0.0.0
# (the address is a constant upstream; only the ports are flags). The module's own CRDs (manifests/crds: Rollout,
# AnalysisTemplate, AnalysisRun, ClusterAnalysisTemplate, Experiment) are copied beside the binary: the controller
# watches all five, ../shared/crds/argo-rollouts.yaml holds the first two.
# Needs Go; exits 3 when Go is missing so callers can say why they skip.
set -euo pipefail
version=v1.9.1
module=github.com/argoproj/argo-rollouts
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v go >/dev/null 2>&1; then
  echo "test/cluster/build-argo-rollouts.sh: Go is not installed; the Argo Rollouts controller cannot be built" >&2
  exit 3
fi
recipe="$module@$version listen=127.0.0.1 crds CGO_ENABLED=0 -trimpath ./cmd/rollouts-controller $(go env GOVERSION)"
key="$(echo "$recipe" | sha256sum | cut -c1-16)"
out="${CDK8S_CANARY_ARGO_ROLLOUTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-canary-argo-rollouts}/$version-$key"
if [[ -x "$out/rollouts-controller" && -d "$out/crds" ]]; then
  echo "$out/rollouts-controller"
  exit 0
fi
mkdir -p "$out"
echo "test/cluster/build-argo-rollouts.sh: building the Argo Rollouts controller $version into $out (a cold build takes a long time)" >&2
start=$(date +%s)
# `go mod download` prints the module's (read-only) source folder in the module cache.
dir="$(cd "$out" && GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$dir" || ! -f "$dir/go.mod" ]]; then
  echo "test/cluster/build-argo-rollouts.sh: go mod download gave no source folder for $module@$version" >&2
  exit 1
fi
src="$out/src"
rm -rf "$src"
cp -r "$dir" "$src"
chmod -R u+w "$src"
sed -i 's|^\(\s*listenAddr\s*=\s*\)"0\.0\.0\.0:%d"|\1"127.0.0.1:%d"|' "$src/controller/controller.go"
if ! grep -q '^\s*listenAddr\s*=\s*"127\.0\.0\.1:%d"' "$src/controller/controller.go"; then
  echo "test/cluster/build-argo-rollouts.sh: controller/controller.go of $version no longer has the listenAddr constant to bind to 127.0.0.1" >&2
  exit 1
fi
ldflags="-s -w -X $module/utils/version.version=${version#v} -X $module/utils/version.gitTreeState=clean"
(cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags="$ldflags" -o "$out/rollouts-controller.tmp" ./cmd/rollouts-controller)
rm -rf "$out/crds"
mkdir "$out/crds"
cp "$src"/manifests/crds/*-crd.yaml "$out/crds/"
mv "$out/rollouts-controller.tmp" "$out/rollouts-controller"
rm -rf "$src"
echo "test/cluster/build-argo-rollouts.sh: built in $(( $(date +%s) - start )) s" >&2
echo "$out/rollouts-controller"
