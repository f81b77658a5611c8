#!/usr/bin/env bash
# Builds (or finds cached) the control-plane binary of the cluster test suite and prints its path.
# The cache lives outside the repository, keyed by a hash of go.mod, go.sum and the Go sources, so a change of pins
# rebuilds it. Needs Go (see go.mod for the version); exits 3 when Go is missing so callers can say why they skip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v go >/dev/null 2>&1; then
  echo "test/cluster/build.sh: Go is not installed; the control plane cannot be built" >&2
  exit 3
fi
key="$(cd "$here" && cat go.mod go.sum ./*.go build.sh | sha256sum | cut -c1-16)"
out="${CDK8S_CANARY_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-canary-cluster}/$key"
if [[ -x "$out/cluster" ]]; then
  echo "$out/cluster"
  exit 0
fi
mkdir -p "$out"
echo "test/cluster/build.sh: building the control plane into $out (a cold build takes a long time)" >&2
start=$(date +%s)
# The servers report the pinned release as their version (kubectl compares it with its own).
k8s="$(cd "$here" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
minor="$(echo "$k8s" | cut -d. -f2)"
version=k8s.io/component-base/version
ldflags="-s -w -X $version.gitVersion=$k8s -X $version.gitMajor=1 -X $version.gitMinor=$minor -X $version.gitTreeState=clean"
(cd "$here" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags="$ldflags" -o "$out/cluster.tmp" .)
mv "$out/cluster.tmp" "$out/cluster"
echo "test/cluster/build.sh: built in $(( $(date +%s) - start )) s" >&2
echo "$out/cluster"
