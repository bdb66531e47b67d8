// Renders StatefulSet <name>: one non-root DittoFS pod with its config, volume claim templates,
// probes, a draining preStop hook, secrets by secretKeyRef only, and a config-hash annotation.
import type {
  V1Container,
  V1EnvVar,
  V1PersistentVolumeClaim,
  V1PodSecurityContext,
  V1SecurityContext,
  V1StatefulSet,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames, selectorLabels } from "../names.js";
import type { DataVolume } from "../names.js";
import {
  CONFIG_FILE_PATH,
  CONFIG_MOUNT_PATH,
  DATA_MOUNT_PATHS,
  LIVENESS_PATH,
  PORT_NAMES,
  READINESS_PATH,
  SHUTDOWN_TIMEOUT_SECONDS,
  TMP_MOUNT_PATH,
} from "../pod-layout.js";
import { API_PORT, resolveServerSettings } from "../settings.js";
import type { PostgresSecretKeys, ServerSettings } from "../settings.js";
import { WAIT_FOR_DATABASE_IMAGE } from "../versions.js";
import { CONFIG_HASH_ANNOTATION } from "./config-hash.js";
import { CONTROL_PLANE_SECRET_KEYS } from "./control-plane-secret.js";

/** UID/GID the DittoFS image runs as (its Dockerfile's `USER 65532:65532`). */
export const DITTOFS_UID = 65532;

/** Seconds the preStop hook waits so Services stop routing to the pod before DittoFS shuts down. */
export const PRE_STOP_SLEEP_SECONDS = 5;

/**
 * DittoFS shuts down in stages (adapters, flush, stores), each bounded by shutdown_timeout; the
 * grace period covers the preStop sleep, three full stages and a margin, so a flush is never killed.
 */
export const TERMINATION_GRACE_PERIOD_SECONDS = PRE_STOP_SLEEP_SECONDS + 3 * SHUTDOWN_TIMEOUT_SECONDS + 10;

const CONTAINER_NAME = "dittofs";

/** Pod security defaults; fields of spec.podSecurityContext replace them one by one. */
export const DEFAULT_POD_SECURITY_CONTEXT: Readonly<V1PodSecurityContext> = {
  runAsNonRoot: true,
  runAsUser: DITTOFS_UID,
  runAsGroup: DITTOFS_UID,
  fsGroup: DITTOFS_UID,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

/** Container security defaults; fields of spec.securityContext replace them one by one. */
export const DEFAULT_CONTAINER_SECURITY_CONTEXT: Readonly<V1SecurityContext> = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: DITTOFS_UID,
  runAsGroup: DITTOFS_UID,
};

export interface StatefulSetInputs {
  /** configHash() of the rendered config.yaml and the referenced Secrets' resourceVersions. */
  configHash: string;
}

function secretEnv(name: string, secretName: string, key: string, optional = false): V1EnvVar {
  return {
    name,
    valueFrom: { secretKeyRef: { name: secretName, key, ...(optional ? { optional: true } : {}) } },
  };
}

/** DITTOFS_DATABASE_POSTGRES_<FIELD> binds database.postgres.<field> of DittoFS v0.29.0's config. */
function postgresEnv(secret: PostgresSecretKeys): V1EnvVar[] {
  return [
    secretEnv("DITTOFS_DATABASE_POSTGRES_HOST", secret.secretName, secret.hostKey),
    secretEnv("DITTOFS_DATABASE_POSTGRES_PORT", secret.secretName, secret.portKey),
    secretEnv("DITTOFS_DATABASE_POSTGRES_DATABASE", secret.secretName, secret.databaseKey),
    secretEnv("DITTOFS_DATABASE_POSTGRES_USER", secret.secretName, secret.userKey),
    secretEnv("DITTOFS_DATABASE_POSTGRES_PASSWORD", secret.secretName, secret.passwordKey),
  ];
}

function serverEnv(server: DittoServer, settings: ServerSettings): V1EnvVar[] {
  const controlPlaneSecret = dittoServerNames.controlPlaneSecret(server);
  const env: V1EnvVar[] = [
    secretEnv("DITTOFS_CONTROLPLANE_SECRET", controlPlaneSecret, CONTROL_PLANE_SECRET_KEYS.jwtSecret),
    secretEnv("DITTOFS_ADMIN_INITIAL_PASSWORD", controlPlaneSecret, CONTROL_PLANE_SECRET_KEYS.adminPassword),
  ];
  if (settings.database.kind === "postgres") env.push(...postgresEnv(settings.database.secret));
  const s3 = settings.s3;
  if (s3 !== undefined) {
    env.push(
      secretEnv("AWS_ACCESS_KEY_ID", s3.secretName, s3.accessKeyIdKey),
      secretEnv("AWS_SECRET_ACCESS_KEY", s3.secretName, s3.secretAccessKeyKey),
      secretEnv("AWS_ENDPOINT_URL", s3.secretName, s3.endpointKey, true),
    );
    if (s3.region !== undefined) env.push({ name: "AWS_REGION", value: s3.region });
  }
  return env;
}

/** A fresh copy per container: rendered objects never share nested objects with each other or the spec. */
function containerSecurityContext(settings: ServerSettings): V1SecurityContext {
  return structuredClone({
    ...DEFAULT_CONTAINER_SECURITY_CONTEXT,
    ...(settings.securityContext as V1SecurityContext),
  });
}

function podSecurityContext(settings: ServerSettings): V1PodSecurityContext {
  return structuredClone({
    ...DEFAULT_POD_SECURITY_CONTEXT,
    ...(settings.podSecurityContext as V1PodSecurityContext),
  });
}

/** Blocks the pod until PostgreSQL accepts TCP connections, so DittoFS never starts without it. */
function waitForDatabaseContainer(settings: ServerSettings, secret: PostgresSecretKeys): V1Container {
  return {
    name: "wait-for-database",
    image: WAIT_FOR_DATABASE_IMAGE,
    imagePullPolicy: "IfNotPresent",
    command: [
      "sh",
      "-c",
      'until nc -z -w 2 "$DATABASE_HOST" "$DATABASE_PORT"; do ' +
        'echo "waiting for PostgreSQL at $DATABASE_HOST:$DATABASE_PORT"; sleep 2; done',
    ],
    env: [
      secretEnv("DATABASE_HOST", secret.secretName, secret.hostKey),
      secretEnv("DATABASE_PORT", secret.secretName, secret.portKey),
    ],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
    securityContext: containerSecurityContext(settings),
  };
}

function containerPorts(settings: ServerSettings): V1Container["ports"] {
  return [
    { name: PORT_NAMES.nfs, containerPort: settings.nfs.containerPort, protocol: "TCP" },
    ...(settings.smb.enabled
      ? [{ name: PORT_NAMES.smb, containerPort: settings.smb.containerPort, protocol: "TCP" }]
      : []),
    { name: PORT_NAMES.api, containerPort: API_PORT, protocol: "TCP" },
    ...(settings.metrics.enabled
      ? [{ name: PORT_NAMES.metrics, containerPort: settings.metrics.port, protocol: "TCP" }]
      : []),
  ];
}

function serverContainer(server: DittoServer, settings: ServerSettings): V1Container {
  const dataMounts: V1VolumeMount[] = (["metadata", "cache", "content"] as const).map((volume) => ({
    name: volume,
    mountPath: DATA_MOUNT_PATHS[volume],
  }));
  return {
    name: CONTAINER_NAME,
    image: settings.image,
    imagePullPolicy: "IfNotPresent",
    command: ["/app/dfs"],
    args: ["start", "--foreground", "--config", CONFIG_FILE_PATH],
    ports: containerPorts(settings),
    env: serverEnv(server, settings),
    volumeMounts: [
      { name: "config", mountPath: CONFIG_MOUNT_PATH, readOnly: true },
      ...dataMounts,
      { name: "tmp", mountPath: TMP_MOUNT_PATH },
    ],
    ...(settings.resources === undefined ? {} : { resources: structuredClone(settings.resources) }),
    startupProbe: {
      httpGet: { path: LIVENESS_PATH, port: PORT_NAMES.api },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 60,
    },
    livenessProbe: {
      httpGet: { path: LIVENESS_PATH, port: PORT_NAMES.api },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: { path: READINESS_PATH, port: PORT_NAMES.api },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
    securityContext: containerSecurityContext(settings),
  };
}

function volumeClaimTemplate(
  server: DittoServer,
  volume: DataVolume,
  size: string,
  storageClass?: string,
): V1PersistentVolumeClaim {
  return {
    metadata: { name: volume, labels: selectorLabels(server) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: size } },
      ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
    },
  };
}

/** A claim template for each sized volume (metadata always); the others become emptyDirs. */
function dataVolumes(
  server: DittoServer,
  settings: ServerSettings,
): { templates: V1PersistentVolumeClaim[]; emptyDirs: V1Volume[] } {
  const { metadataSize, cacheSize, contentSize, storageClassName } = settings.storage;
  const templates = [volumeClaimTemplate(server, "metadata", metadataSize, storageClassName)];
  const emptyDirs: V1Volume[] = [];
  for (const [volume, size] of [
    ["cache", cacheSize],
    ["content", contentSize],
  ] as const) {
    if (size === undefined) emptyDirs.push({ name: volume, emptyDir: {} });
    else templates.push(volumeClaimTemplate(server, volume, size, storageClassName));
  }
  return { templates, emptyDirs };
}

/** StatefulSet `<name>` governed by the headless Service `<name>-headless`. */
export function renderStatefulSet(server: DittoServer, inputs: StatefulSetInputs): V1StatefulSet {
  const settings = resolveServerSettings(server);
  const { templates, emptyDirs } = dataVolumes(server, settings);
  const initContainers =
    settings.database.kind === "postgres"
      ? [waitForDatabaseContainer(settings, settings.database.secret)]
      : [];
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: {
      name: dittoServerNames.statefulSet(server),
      namespace: settings.namespace,
      labels: commonLabels(server, "server"),
    },
    spec: {
      serviceName: dittoServerNames.headlessService(server),
      replicas: settings.replicas,
      selector: { matchLabels: selectorLabels(server) },
      updateStrategy: { type: "RollingUpdate" },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        metadata: {
          labels: commonLabels(server, "server"),
          annotations: {
            [CONFIG_HASH_ANNOTATION]: inputs.configHash,
            "kubectl.kubernetes.io/default-container": CONTAINER_NAME,
          },
        },
        spec: {
          // DittoFS needs no Kubernetes API access, and Service env vars such as DITTOFS_METRICS_PORT
          // (from a Service named dittofs-metrics) would be read as DittoFS configuration overrides.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: TERMINATION_GRACE_PERIOD_SECONDS,
          securityContext: podSecurityContext(settings),
          ...(initContainers.length === 0 ? {} : { initContainers }),
          containers: [serverContainer(server, settings)],
          volumes: [
            { name: "config", configMap: { name: dittoServerNames.configMap(server) } },
            ...emptyDirs,
            { name: "tmp", emptyDir: {} },
          ],
        },
      },
      volumeClaimTemplates: templates,
    },
  };
}
