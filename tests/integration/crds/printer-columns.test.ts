// `kubectl get -o wide` for every kind, as the real API server's table printing and the real kubectl
// show it, against golden files in tests/golden/kubectl/: a Reason column everywhere, and a Failed
// DittoServer that says False even though its pod is ready. Only the AGE cells are normalized.
// Update the golden files with: UPDATE_GOLDEN=1 npx tsx tests/run-tests.ts tests/integration/crds/printer-columns.test.ts
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertMatchesGoldenText } from "../../support/golden.js";
import { createTestNamespace } from "../support/cluster.js";
import { kubectlOk, manifestOf } from "./kubectl-session.js";

const since = "2026-01-01T00:00:00Z";

function ready(status: "True" | "False", reason: string, message: string) {
  return { type: "Ready", status, reason, message, lastTransitionTime: since, observedGeneration: 1 };
}

/** kubectl's table as cells, cut at the header's column starts (cells may hold single spaces). */
function cellsOf(table: string): string[][] {
  const lines = table.replace(/\n$/, "").split("\n");
  const header = lines[0] ?? "";
  const starts = [0, ...[...header.matchAll(/ {2,}(?=\S)/g)].map((match) => match.index + match[0].length)];
  return lines.map((line) =>
    starts.map((start, index) => line.slice(start, starts[index + 1] ?? line.length).trim()),
  );
}

/** The table kubectl prints for `cells` (its tabwriter pads every column but the last to its widest cell plus 3). */
function tableOf(cells: readonly string[][]): string {
  const widths = (cells[0] ?? []).map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? "").length + 3)),
  );
  const line = (row: readonly string[]): string =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("");
  return `${cells.map(line).join("\n")}\n`;
}

/**
 * The table with every AGE cell and the test's random namespace replaced, so the golden file depends
 * neither on how long the test took nor on the namespace's name.
 */
function normalized(table: string, namespace: string): string {
  const cells = cellsOf(table);
  assert.equal(tableOf(cells), table, "the table re-renders byte for byte before it is normalized");
  const age = cells[0]?.indexOf("AGE") ?? -1;
  assert.ok(age >= 0, `no AGE column in\n${table}`);
  return tableOf(
    cells.map((row, index) =>
      row.map((cell, column) =>
        index > 0 && column === age ? "<age>" : cell.replaceAll(namespace, "<namespace>"),
      ),
    ),
  );
}

async function setStatus(namespace: string, resource: string, name: string, status: object): Promise<void> {
  await kubectlOk([
    "patch",
    resource,
    name,
    "-n",
    namespace,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status }),
  ]);
}

test("kubectl get -o wide shows each kind's Ready condition and its reason", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const hash = "c".repeat(40);
  await kubectlOk(
    ["apply", "-n", namespace, "-f", "-"],
    manifestOf([
      {
        apiVersion: "torrent.qbittorrent.io/v1alpha1",
        kind: "Torrent",
        metadata: { name: "debian-iso" },
        spec: { magnet_uri: `magnet:?xt=urn:btih:${hash}&dn=debian.iso` },
      },
      {
        apiVersion: "torrent.qbittorrent.io/v1alpha1",
        kind: "Torrent",
        metadata: { name: "unreachable" },
        spec: { magnet_uri: `magnet:?xt=urn:btih:${"d".repeat(40)}` },
      },
      {
        apiVersion: "dittofs.dittofs.com/v1alpha1",
        kind: "DittoServer",
        metadata: { name: "broken" },
        spec: { storage: { metadataSize: "1Gi" } },
      },
      {
        apiVersion: "dittofs.dittofs.com/v1alpha1",
        kind: "DittoServer",
        metadata: { name: "library" },
        spec: { storage: { metadataSize: "1Gi" } },
      },
      {
        apiVersion: "mediaplane.io/v1alpha1",
        kind: "MediaStack",
        metadata: { name: "media" },
        spec: { storage: { data: { existingClaim: "media-library" } } },
      },
    ]),
  );
  await setStatus(namespace, "torrent", "debian-iso", {
    state: "downloading",
    progress: "42.5%",
    total_size: 661651456,
    name: "debian.iso",
    hash,
    conditions: [ready("True", "TorrentActive", "downloading")],
  });
  await setStatus(namespace, "torrent", "unreachable", {
    conditions: [ready("False", "ClientUnavailable", "QbittorrentUnreachable: connection refused")],
  });
  // The case the Ready column got wrong: the pod is ready, the server is not.
  await setStatus(namespace, "dittoserver", "broken", {
    phase: "Failed",
    replicas: 1,
    readyReplicas: 1,
    nfsEndpoint: `broken-file.${namespace}.svc.cluster.local:2049`,
    conditions: [ready("False", "ReconcileFailed", "the operator cannot proceed; see the other conditions")],
  });
  await setStatus(namespace, "dittoserver", "library", {
    phase: "Running",
    replicas: 1,
    readyReplicas: 1,
    nfsEndpoint: `library-file.${namespace}.svc.cluster.local:2049`,
    conditions: [ready("True", "Succeeded", "all conditions are met")],
  });
  await setStatus(namespace, "mediastack", "media", {
    appsSummary: "4/5",
    storage: { claimName: "media-library" },
    conditions: [
      ready("False", "AppsNotReady", "jellyfin: 0/1 ready"),
      { ...ready("False", "WaitingForJellyfin", "7/9 links wired"), type: "Wired" },
    ],
  });

  for (const [resource, golden] of [
    ["torrents", "torrent"],
    ["dittoservers", "dittoserver"],
    ["mediastacks", "mediastack"],
  ] as const) {
    const table = await kubectlOk(["get", resource, "-n", namespace, "-o", "wide"]);
    assertMatchesGoldenText(`kubectl/${golden}-wide.txt`, normalized(table, namespace));
  }
});
