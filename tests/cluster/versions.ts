// The test cluster's component versions, read from the Go wrapper modules in tests/cluster/go/ so
// that build.sh and the TypeScript launcher never disagree; it only reads those go.mod files.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The versions the wrapper modules pin; each names a release tag (e.g. `v1.37.2`). */
export interface ClusterVersions {
  readonly etcd: string;
  readonly kwok: string;
  readonly kubernetes: string;
  readonly helm: string;
  readonly gatewayApi: string;
  /** DittoFS (`dfs`), the server the DittoServer controller renders for; not part of the cluster itself. */
  readonly dittofs: string;
  /** CoreDNS, the opt-in real node's cluster DNS. */
  readonly coredns: string;
  /** versitygw, the S3 server integration tests run (tests/cluster/s3-server.ts); not part of the cluster. */
  readonly versitygw: string;
}

const wrapperModulesDir = fileURLToPath(new URL("./go/", import.meta.url));

/**
 * The version `go.mod` text requires for `modulePath`, from a single-line `require` or a
 * `require ( ... )` block; `replace` directives are ignored.
 */
export function requiredVersion(goModText: string, modulePath: string): string | undefined {
  let inRequireBlock = false;
  for (const rawLine of goModText.split("\n")) {
    const line = rawLine.replace(/\/\/.*$/, "").trim();
    if (line === "") continue;
    if (inRequireBlock) {
      if (line === ")") {
        inRequireBlock = false;
        continue;
      }
      const [path, version] = line.split(/\s+/);
      if (path === modulePath && version !== undefined) return version;
      continue;
    }
    if (line === "require (") {
      inRequireBlock = true;
      continue;
    }
    const single = /^require\s+(\S+)\s+(\S+)$/.exec(line);
    if (single !== null && single[1] === modulePath) return single[2];
  }
  return undefined;
}

/** The version a wrapper module in tests/cluster/go/<wrapperDir> pins for `modulePath`. */
export function pinnedVersion(wrapperDir: string, modulePath: string): string {
  const goModPath = `${wrapperModulesDir}${wrapperDir}/go.mod`;
  const version = requiredVersion(readFileSync(goModPath, "utf8"), modulePath);
  if (version === undefined) throw new Error(`${goModPath} does not require ${modulePath}`);
  return version;
}

let cached: ClusterVersions | undefined;

/** Every pinned version of the test cluster (read once per process). */
export function clusterVersions(): ClusterVersions {
  cached ??= {
    etcd: pinnedVersion("etcd", "go.etcd.io/etcd/server/v3"),
    kwok: pinnedVersion("kwok", "sigs.k8s.io/kwok"),
    kubernetes: pinnedVersion("kubernetes", "k8s.io/kubernetes"),
    helm: pinnedVersion("helm", "helm.sh/helm/v3"),
    gatewayApi: pinnedVersion("gateway-api", "sigs.k8s.io/gateway-api"),
    dittofs: pinnedVersion("dittofs", "github.com/marmos91/dittofs"),
    coredns: pinnedVersion("coredns", "github.com/coredns/coredns"),
    versitygw: pinnedVersion("versitygw", "github.com/versity/versitygw"),
  };
  return cached;
}

/** The tag a source pin (tests/cluster/go/<dir>/source.pin, for modules the proxy cannot serve) names. */
export function sourcePinnedTag(dir: string): string {
  const pinPath = `${wrapperModulesDir}${dir}/source.pin`;
  const tag = /^tag\s+(\S+)$/m.exec(readFileSync(pinPath, "utf8"))?.[1];
  if (tag === undefined) throw new Error(`${pinPath} names no tag`);
  return tag;
}
