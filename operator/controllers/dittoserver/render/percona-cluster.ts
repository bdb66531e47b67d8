// Renders PerconaPGCluster <name>-postgres, the DittoServer's own PostgreSQL, kept in sync with
// spec.percona on every reconcile; the Percona operator answers with the user Secret we read.
import type { KubernetesObject, V1ObjectMeta, V1PersistentVolumeClaimSpec } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { PERCONA_USER_NAME, commonLabels, dittoServerNames, metadataDatabaseName } from "../names.js";
import { resolveServerSettings } from "../settings.js";
import { PERCONA_CR_VERSION, PERCONA_POSTGRES_VERSION } from "../versions.js";

export const PERCONA_API_VERSION = "pgv2.percona.com/v2";
export const PERCONA_KIND = "PerconaPGCluster";

/** The part of the Percona v2 CR we render (the fields its CRD requires plus sizing and users). */
export interface PerconaPGCluster extends KubernetesObject {
  apiVersion: typeof PERCONA_API_VERSION;
  kind: typeof PERCONA_KIND;
  metadata: V1ObjectMeta;
  spec: {
    crVersion: string;
    postgresVersion: number;
    instances: Array<{ name: string; replicas: number; dataVolumeClaimSpec: V1PersistentVolumeClaimSpec }>;
    users: Array<{ name: string; databases: string[] }>;
    backups: { enabled: boolean };
  };
  status?: { state?: string; host?: string };
}

/** PerconaPGCluster `<name>-postgres`, or null when percona is not enabled. */
export function renderPerconaCluster(server: DittoServer): PerconaPGCluster | null {
  const settings = resolveServerSettings(server);
  const percona = settings.percona;
  if (percona === undefined) return null;
  return {
    apiVersion: PERCONA_API_VERSION,
    kind: PERCONA_KIND,
    metadata: {
      name: dittoServerNames.perconaCluster(server),
      namespace: settings.namespace,
      labels: commonLabels(server, "database"),
    },
    spec: {
      crVersion: PERCONA_CR_VERSION,
      postgresVersion: PERCONA_POSTGRES_VERSION,
      instances: [
        {
          name: "instance1",
          replicas: percona.replicas,
          dataVolumeClaimSpec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: percona.storageSize } },
            ...(percona.storageClassName === undefined ? {} : { storageClassName: percona.storageClassName }),
          },
        },
      ],
      // Percona writes this user's Secret <cluster>-pguser-<user> (host, port, dbname, user, password),
      // dbname the first database: the control plane's. The second holds DittoFS's metadata store.
      users: [
        {
          name: PERCONA_USER_NAME,
          databases: [percona.databaseName, metadataDatabaseName(percona.databaseName)],
        },
      ],
      // DittoFS's control plane is small and rebuildable; pgBackRest repositories are opt-in later.
      backups: { enabled: false },
    },
  };
}
