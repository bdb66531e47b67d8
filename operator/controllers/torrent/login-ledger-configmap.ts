// Keeps qBittorrent's failed-login counts in one ConfigMap next to the leader-election Lease, so a
// restarted operator or a newly elected replica continues the count instead of starting at zero.

import { createHash } from "node:crypto";
import type { V1ConfigMap } from "@kubernetes/client-node";
import {
  parseLedgerRecord,
  type LoginLedgerRecord,
  type LoginLedgerStore,
} from "../../clients/qbittorrent/login-ledger.js";
import { isConflict, isNotFound, patchTypes, type KubeApi } from "../../framework/kube-api.js";
import { builtinResources } from "../../framework/resource.js";

/** `<lease name>-qbittorrent-logins`: the chart's Role grants get on exactly this name. */
export function loginLedgerName(leaseName: string): string {
  return `${leaseName}-qbittorrent-logins`;
}

/** The data key of one qBittorrent URL: a digest, since URLs are not valid ConfigMap keys. */
export function loginLedgerKey(url: string): string {
  return `qbittorrent-${createHash("sha256").update(url).digest("hex").slice(0, 16)}`;
}

interface StoredValue extends LoginLedgerRecord {
  /** For a person reading the ConfigMap; never holds credentials (the URL has none). */
  url: string;
}

export class ConfigMapLoginLedger implements LoginLedgerStore {
  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  async load(url: string): Promise<LoginLedgerRecord | undefined> {
    let configMap: V1ConfigMap;
    try {
      configMap = await this.api.get<V1ConfigMap>(builtinResources.ConfigMap, this.namespace, this.name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const value = configMap.data?.[loginLedgerKey(url)];
    if (value === undefined) return undefined;
    try {
      return parseLedgerRecord(JSON.parse(value));
    } catch {
      return undefined;
    }
  }

  async save(url: string, record: LoginLedgerRecord | undefined): Promise<void> {
    const key = loginLedgerKey(url);
    const value = record === undefined ? null : JSON.stringify({ url, ...record } satisfies StoredValue);
    const patch = { data: { [key]: value } };
    try {
      await this.api.patch(builtinResources.ConfigMap, this.namespace, this.name, patch, patchTypes.merge);
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (value === null) return;
    try {
      await this.api.create<V1ConfigMap>(builtinResources.ConfigMap, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: this.name,
          namespace: this.namespace,
          labels: {
            "app.kubernetes.io/managed-by": "mediaplane",
            "app.kubernetes.io/component": "login-ledger",
          },
        },
        data: { [key]: value },
      });
    } catch (error) {
      // Another writer created it between our patch and create (409 AlreadyExists): patch that one.
      if (!isConflict(error)) throw error;
      await this.api.patch(builtinResources.ConfigMap, this.namespace, this.name, patch, patchTypes.merge);
    }
  }

  resetHint(url: string): string {
    return `delete key ${loginLedgerKey(url)} of ConfigMap ${this.namespace}/${this.name}`;
  }
}
