// Renders everything one DittoServer wants to exist, in apply order, each marked owned or not and
// create-once or applied; the framework prunes what is no longer rendered. Nothing here touches the API.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { CONFIG_FILE_NAME } from "../pod-layout.js";
import { referencedSecrets } from "../referenced-secrets.js";
import type { ReferencedSecret } from "../referenced-secrets.js";
import { resolveServerSettings } from "../settings.js";
import { renderApiService } from "./api-service.js";
import { configHash } from "./config-hash.js";
import { renderConfigMap } from "./config-map.js";
import { renderControlPlaneSecret } from "./control-plane-secret.js";
import type { ControlPlaneCredentials } from "./control-plane-secret.js";
import { renderFileService } from "./file-service.js";
import { renderHeadlessService } from "./headless-service.js";
import { renderMetricsService } from "./metrics-service.js";
import { renderPerconaCluster } from "./percona-cluster.js";
import { renderServiceMonitor } from "./service-monitor.js";
import { renderStatefulSet } from "./stateful-set.js";

export interface RenderInputs {
  /**
   * resourceVersion of each Secret the pod reads, by name (see secretsReadByServer); a missing
   * Secret is absent or undefined. Names the server does not read are ignored.
   */
  secretVersions: Readonly<Record<string, string | undefined>>;
  /** Values for `<name>-controlplane`, used only when that Secret does not exist yet (createOnly). */
  controlPlaneCredentials: ControlPlaneCredentials;
}

/** One object to write, and how. */
export interface DesiredChild {
  object: KubernetesObject & { apiVersion: string; kind: string };
  /**
   * Give it a controller owner reference to the DittoServer, so it is garbage-collected with it.
   * False for what must outlive the server: the control-plane Secret (it matches the database on
   * the retained volumes) and a Percona cluster without percona.deleteWithServer.
   */
  owned: boolean;
  /** Create it when missing and never update it (its values are generated once). */
  createOnly: boolean;
}

export interface DittoServerRendering {
  /** In apply order: credentials and config before the StatefulSet that reads them. */
  children: DesiredChild[];
  /** The pod template's config hash; also status.configHash. */
  configHash: string;
}

/** Secrets the server's pod reads; pass their resourceVersions as RenderInputs.secretVersions. */
export function secretsReadByServer(server: DittoServer): ReferencedSecret[] {
  return referencedSecrets(server, resolveServerSettings(server));
}

function child(object: KubernetesObject, owned = true, createOnly = false): DesiredChild {
  const { apiVersion, kind } = object;
  if (apiVersion === undefined || kind === undefined) {
    throw new Error("a rendered object lacks apiVersion or kind");
  }
  return { object: { ...object, apiVersion, kind }, owned, createOnly };
}

/** Everything `server` wants, pure: same server and inputs, same objects. */
export function renderDittoServer(server: DittoServer, inputs: RenderInputs): DittoServerRendering {
  const configMap = renderConfigMap(server);
  const configYaml = configMap.data?.[CONFIG_FILE_NAME] ?? "";
  const readVersions = Object.fromEntries(
    secretsReadByServer(server).map(({ name }) => [name, inputs.secretVersions[name]]),
  );
  const hash = configHash(configYaml, readVersions);

  const children: DesiredChild[] = [
    child(renderControlPlaneSecret(server, inputs.controlPlaneCredentials), false, true),
    child(configMap),
  ];
  const percona = renderPerconaCluster(server);
  if (percona !== null) {
    children.push(child(percona, resolveServerSettings(server).percona?.deleteWithServer === true));
  }
  children.push(
    child(renderHeadlessService(server)),
    child(renderStatefulSet(server, { configHash: hash })),
    child(renderFileService(server)),
    child(renderApiService(server)),
  );
  const metricsService = renderMetricsService(server);
  if (metricsService !== null) children.push(child(metricsService));
  const serviceMonitor = renderServiceMonitor(server);
  if (serviceMonitor !== null) children.push(child(serviceMonitor));
  // A Percona cluster that is no longer enabled is never pruned (it is no child kind): it holds the database.
  return { children, configHash: hash };
}
