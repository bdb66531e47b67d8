#!/usr/bin/env bash
# Builds the local test cluster's binaries from the pinned Go wrapper modules in go/ into
# a cache outside the repo (~/.cache/mediaplane/bin/<name>-<version>), skipping what is cached.
# `build.sh --real-node` (or MEDIAPLANE_REAL_NODE=1) also builds kubelet, kube-proxy, CoreDNS and the
# exporters (exportarr, qbittorrent-exporter) from their tagged sources (go/<name>/source.pin).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# A non-interactive shell may not have the Go toolchain on PATH yet (it is set up in ~/.bashrc here).
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then export PATH="/usr/local/go/bin:$PATH"; fi
if ! command -v go >/dev/null; then
  echo "build.sh: Go (>= 1.26) is needed to build the local cluster's binaries; install it and run again" >&2
  exit 1
fi
real_node=${MEDIAPLANE_REAL_NODE:-0}
for arg in "$@"; do
  case $arg in
    --real-node) real_node=1 ;;
    *) echo "build.sh: unknown argument $arg (known: --real-node)" >&2; exit 2 ;;
  esac
done
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
  # A per-process partial name: two checkouts building the same binary at once must not rename
  # each other's file away (one `mv` then fails with "cannot stat").
  (cd "$here/go/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.partial.$$" "$pkg")
  mv -f "$out.partial.$$" "$out"
  echo "built   $name $version in $((SECONDS - start))s"
}

# Reads one field of a source pin (go/<dir>/source.pin: `<field> <value>` lines).
source_pin() { # <dir> <field>
  awk -v f="$2" '$1 == f { print $2; exit }' "$here/go/$1/source.pin"
}

# Builds one command from a clone of its pinned tag, for modules the proxy cannot serve (the pin says why).
# The clone is checked against the pinned commit; MEDIAPLANE_GIT_<NAME> (e.g. MEDIAPLANE_GIT_EXPORTARR)
# names another origin, a local mirror say, for a machine without GitHub.
build_from_source() { # <name> <dir> [ldflags]
  local name=$1 dir=$2 ldflags=${3:-}
  local tag commit pkg; tag=$(source_pin "$dir" tag) commit=$(source_pin "$dir" commit) pkg=$(source_pin "$dir" package)
  local out="$bin_dir/$name-$tag"
  if [[ -x "$out" ]]; then
    echo "cached  $name $tag"
    return
  fi
  local start=$SECONDS
  local src="${MEDIAPLANE_SRC_DIR:-$HOME/.cache/mediaplane/src}/$name-$tag"
  if [[ ! -d "$src" ]]; then
    local origin_var; origin_var="MEDIAPLANE_GIT_$(tr 'a-z-' 'A-Z_' <<<"$name")"
    local origin="${!origin_var:-$(source_pin "$dir" repository)}"
    mkdir -p "$(dirname "$src")"
    if ! git -c advice.detachedHead=false clone -q --branch "$tag" "$origin" "$src.partial.$$" 2>/dev/null; then
      rm -rf "$src.partial.$$"
      # Not fatal: only tests/e2e-node/monitoring.test.ts needs them, and it says it is skipped and why.
      echo "skipped $name $tag: cannot clone $origin (no GitHub here? set $origin_var to a local clone)"
      return
    fi
    local got; got=$(git -C "$src.partial.$$" rev-parse HEAD)
    if [[ "$got" != "$commit" ]]; then
      rm -rf "$src.partial.$$"
      echo "build.sh: $name $tag from $origin is commit $got, the pin says $commit" >&2
      exit 1
    fi
    mv "$src.partial.$$" "$src"
  fi
  (cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w $ldflags" -o "$out.partial.$$" "$pkg")
  mv -f "$out.partial.$$" "$out"
  echo "built   $name $tag in $((SECONDS - start))s"
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

if [[ $real_node == 1 ]]; then
  build kubelet kubernetes k8s.io/kubernetes k8s.io/kubernetes/cmd/kubelet "$k8s_ldflags"
  build kube-proxy kubernetes k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-proxy "$k8s_ldflags"
  # main.go in the wrapper: CoreDNS with only the plugins our Corefile uses.
  build coredns coredns github.com/coredns/coredns .
  # Our own sandbox process: versioned by its source's hash (node-images.ts reads the same hash).
  pause_version=$(sha256sum "$here/go/pause/main.go" | cut -c1-12)
  if [[ -x "$bin_dir/pause-$pause_version" ]]; then
    echo "cached  pause $pause_version"
  else
    (cd "$here/go/pause" && go build -trimpath -ldflags "-s -w" -o "$bin_dir/pause-$pause_version.partial.$$" .)
    mv -f "$bin_dir/pause-$pause_version.partial.$$" "$bin_dir/pause-$pause_version"
    echo "built   pause $pause_version"
  fi
  # The monitoring sidecars' programs, for the test images the real node runs (tests/e2e-node/monitoring.test.ts).
  build_from_source exportarr exportarr "-X main.version=$(source_pin exportarr tag)"
  build_from_source qbittorrent-exporter qbittorrent-exporter "-X qbit-exp/app.version=$(source_pin qbittorrent-exporter tag)"
fi

# The Gateway API CRDs are YAML inside the module: download it and report where they are.
gw_version=$(pinned_version gateway-api sigs.k8s.io/gateway-api)
gw_dir=$(cd "$here/go/gateway-api" && go mod download -json "sigs.k8s.io/gateway-api@$gw_version" | awk -F'"' '/"Dir"/ { print $4 }')
echo "gateway-api $gw_version CRDs at $gw_dir/config/crd/standard"

# actionlint checks .github/workflows in npm test (tests/unit/release/workflows.test.ts).
actionlint_version=$(pinned_version actionlint github.com/rhysd/actionlint)
build actionlint actionlint github.com/rhysd/actionlint github.com/rhysd/actionlint/cmd/actionlint "-X github.com/rhysd/actionlint.version=$actionlint_version"

# A local OCI registry (CNCF distribution) that tests/unit/release pushes the packaged chart to, as the
# release workflow pushes it to ghcr.io.
registry_version=$(pinned_version distribution github.com/distribution/distribution/v3)
build registry distribution github.com/distribution/distribution/v3 github.com/distribution/distribution/v3/cmd/registry "-X github.com/distribution/distribution/v3/version.version=$registry_version"

# A real S3 server (versitygw, posix backend) that integration tests point DittoFS's S3 remote block
# store at (tests/cluster/s3-server.ts).
versitygw_version=$(pinned_version versitygw github.com/versity/versitygw)
build versitygw versitygw github.com/versity/versitygw github.com/versity/versitygw/cmd/versitygw "-X main.Version=$versitygw_version"
