#!/usr/bin/env bash
# Builds the local test cluster's binaries from the pinned Go wrapper modules in go/ into
# a cache outside the repo (~/.cache/mediaplane/bin/<name>-<version>), skipping what is cached.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# A non-interactive shell may not have the Go toolchain on PATH yet (it is set up in ~/.bashrc here).
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then export PATH="/usr/local/go/bin:$PATH"; fi
if ! command -v go >/dev/null; then
  echo "build.sh: Go (>= 1.26) is needed to build the local cluster's binaries; install it and run again" >&2
  exit 1
fi
bin_dir="${MEDIAPLANE_BIN_DIR:-$HOME/.cache/mediaplane/bin}"
mkdir -p "$bin_dir"
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

# Reads the version a wrapper module pins for a Go module path.
pinned_version() { # <wrapper dir> <module path>
  awk -v m="$2" '$1 == "require" && $2 == m { print $3 } $1 == m { print $2; exit }' "$here/go/$1/go.mod" | head -n 1
}

# Builds one command unless its versioned binary is already cached.
build() { # <name> <wrapper dir> <module path> <package> [ldflags]
  local name=$1 dir=$2 module=$3 pkg=$4 ldflags=${5:-}
  local version; version=$(pinned_version "$dir" "$module")
  local out="$bin_dir/$name-$version"
  if [[ -x "$out" ]]; then
    echo "cached  $name $version"
    return
  fi
  local start=$SECONDS
  # A per-process partial name: two builds of the same binary at once (two checkouts) must not collide.
  (cd "$here/go/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.partial.$$" "$pkg")
  mv "$out.partial.$$" "$out"
  echo "built   $name $version in $((SECONDS - start))s"
}

k8s=$(pinned_version kubernetes k8s.io/kubernetes)
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(cut -d. -f2 <<<"$k8s") -X k8s.io/client-go/pkg/version.gitVersion=$k8s"

build etcd etcd go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3
build kwok kwok sigs.k8s.io/kwok sigs.k8s.io/kwok/cmd/kwok
build kube-apiserver kubernetes k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-apiserver "$k8s_ldflags"
build kube-controller-manager kubernetes k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-controller-manager "$k8s_ldflags"
build kube-scheduler kubernetes k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-scheduler "$k8s_ldflags"
build kubectl kubernetes k8s.io/kubernetes k8s.io/kubernetes/cmd/kubectl "$k8s_ldflags"
helm_version=$(pinned_version helm helm.sh/helm/v3)
build helm helm helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm "-X helm.sh/helm/v3/internal/version.version=$helm_version"

dfs_version=$(pinned_version dittofs github.com/marmos91/dittofs)
build dfs dittofs github.com/marmos91/dittofs github.com/marmos91/dittofs/cmd/dfs "-X main.version=${dfs_version#v}"

# The Gateway API CRDs are YAML inside the module: download it and report where they are.
gw_version=$(pinned_version gateway-api sigs.k8s.io/gateway-api)
gw_dir=$(cd "$here/go/gateway-api" && go mod download -json "sigs.k8s.io/gateway-api@$gw_version" | awk -F'"' '/"Dir"/ { print $4 }')
echo "gateway-api $gw_version CRDs at $gw_dir/config/crd/standard"
