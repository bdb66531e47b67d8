// Compacts the test cluster's etcd through its v3 gRPC-gateway JSON endpoint, so watches that
// resume from an older resourceVersion are answered 410 Gone. Loopback only.

/** The current etcd revision (the cluster-wide resourceVersion). */
export async function etcdRevision(etcdUrl: string): Promise<number> {
  // A range over one key that does not exist still carries the store's revision in its header.
  const response = await fetch(`${etcdUrl}/v3/kv/range`, {
    method: "POST",
    body: JSON.stringify({ key: Buffer.from("/mediaplane-test/none").toString("base64") }),
  });
  if (!response.ok) throw new Error(`etcd range: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { header?: { revision?: string } };
  return Number(body.header?.revision ?? 0);
}

/** Compacts away every revision before the current one; returns the revision compacted to. */
export async function compactEtcd(etcdUrl: string): Promise<number> {
  const revision = await etcdRevision(etcdUrl);
  const response = await fetch(`${etcdUrl}/v3/kv/compaction`, {
    method: "POST",
    body: JSON.stringify({ revision: String(revision), physical: true }),
  });
  if (!response.ok) throw new Error(`etcd compaction: ${response.status} ${await response.text()}`);
  return revision;
}
