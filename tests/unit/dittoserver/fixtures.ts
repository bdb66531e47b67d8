// DittoServer fixtures for the unit tests: the samples as a user applies them (namespace added,
// no API-server defaults) and fixed render inputs, so golden files never depend on randomness.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import type { DittoServer, DittoServerSpec } from "../../../operator/generated/dittoserver.js";
import { secretsReadByServer } from "../../../operator/controllers/dittoserver/render/index.js";
import type { RenderInputs } from "../../../operator/controllers/dittoserver/render/index.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const samplesDir = join(repoRoot, "samples", "dittoserver");
export const NAMESPACE = "media";

/** Every document of a sample file. */
export function sampleDocuments(file: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readFileSync(join(samplesDir, file), "utf8")).map(
    (document) => document.toJS() as Record<string, unknown>,
  );
}

/** The DittoServer of a sample, placed in NAMESPACE as `kubectl apply -n media` would. */
export function sampleServer(file: string): DittoServer {
  const server = sampleDocuments(file).find((document) => document.kind === "DittoServer") as
    DittoServer | undefined;
  if (server === undefined) throw new Error(`${file} has no DittoServer`);
  return { ...server, metadata: { ...server.metadata, namespace: NAMESPACE, generation: 1 } };
}

/** A DittoServer named `name` in NAMESPACE with `spec`. */
export function dittoServer(name: string, spec: DittoServerSpec, generation = 1): DittoServer {
  return {
    apiVersion: "dittofs.dittofs.com/v1alpha1",
    kind: "DittoServer",
    metadata: { name, namespace: NAMESPACE, generation, uid: "00000000-0000-4000-8000-000000000001" },
    spec,
  };
}

/** resourceVersion "1001" for every Secret `server` reads, then `overrides` (undefined = missing). */
export function secretVersionsFor(
  server: DittoServer,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const versions: Record<string, string | undefined> = {};
  for (const { name } of secretsReadByServer(server)) versions[name] = "1001";
  return { ...versions, ...overrides };
}

/** Render inputs with fixed credentials and the given Secret versions. */
export function fixedInputs(secretVersions: Record<string, string | undefined>): RenderInputs {
  return {
    secretVersions,
    controlPlaneCredentials: {
      jwtSecret: "fixture-jwt-secret-0123456789abcdef0123456789abcdef",
      adminPassword: "fixture-admin-password",
    },
  };
}

/** The golden scenarios of issue 5: the seed's quick start, metrics, SMB, S3 and Percona. */
export function goldenScenarios(): Record<string, DittoServer> {
  return {
    "quick-start": sampleServer("quick-start.yaml"),
    metrics: dittoServer("my-dittofs", {
      storage: { metadataSize: "10Gi", cacheSize: "5Gi" },
      metrics: { enabled: true, port: 9090 },
    }),
    "service-monitor": dittoServer("monitored", {
      storage: { metadataSize: "10Gi" },
      metrics: {
        enabled: true,
        serviceMonitor: { enabled: true, interval: "30s", labels: { release: "prometheus" } },
      },
    }),
    smb: dittoServer("dittofs-smb", {
      storage: { metadataSize: "10Gi", contentSize: "100Gi", storageClassName: "fast-ssd" },
      smb: { enabled: true },
      service: { type: "NodePort", annotations: { "example.com/owner": "media-team" } },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } },
    }),
    s3: sampleServer("with-s3.yaml"),
    percona: sampleServer("with-percona.yaml"),
  };
}
