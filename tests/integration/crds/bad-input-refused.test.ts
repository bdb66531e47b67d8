// What a person sees when the real API server refuses bad input through kubectl: every negative or
// zero size and request of MediaStack and DittoServer, and malformed names, host names, magnets and
// tags, each refused with a message that says what is wanted (no regex, no `<nil>:` prefix).
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestNamespace } from "../support/cluster.js";
import { createAll } from "./kubectl-session.js";

const sizeMessage = "must be a positive quantity such as 512Mi, 10Gi or 1Ti";
const requestMessage = "must be a positive quantity such as 250m or 2 (cpu), 256Mi or 1Gi (memory)";
const limitMessage = "must be a quantity of zero or more such as 500m or 2 (cpu), 512Mi or 4Gi (memory)";
const hostMessage = "must be a lowercase DNS name such as sonarr.example.com";
const objectNameMessage = "must be a Kubernetes object name: lowercase letters a-z, digits, '-' and '.'";

interface Case {
  /** metadata.name of the object that carries the bad value. */
  readonly name: string;
  readonly object: { apiVersion: string; kind: string; metadata: { name: string }; spec: object };
  /** The field path kubectl names, the value it echoes and the start of the message. */
  readonly field: string;
  readonly value: string | number;
  readonly message: string;
}

type Spec = Record<string, unknown>;

function stack(name: string, spec: (base: Spec) => void): Case["object"] {
  const base: Spec = {
    storage: { data: { nfs: { server: "192.0.2.10", path: "/media" } } },
    apps: { prowlarr: { enabled: false }, radarr: { enabled: false }, jellyfin: { enabled: false } },
  };
  spec(base);
  return { apiVersion: "mediaplane.io/v1alpha1", kind: "MediaStack", metadata: { name }, spec: base };
}

function server(name: string, spec: (base: Spec) => void): Case["object"] {
  const base: Spec = { storage: { metadataSize: "1Gi" } };
  spec(base);
  return { apiVersion: "dittofs.dittofs.com/v1alpha1", kind: "DittoServer", metadata: { name }, spec: base };
}

const sonarr = (base: Spec): Spec => ((base.apps as Spec).sonarr = {});
const resources = (base: Spec, kind: "requests" | "limits", values: Spec): void => {
  sonarr(base).resources = { [kind]: values };
};

/** One bad value per object, so each refusal is about that value alone. */
const quantityCases: Case[] = [
  ...(
    [
      ["-5Ti", "neg"],
      ["0", "zero"],
      [-5, "neg-int"],
      [0, "zero-int"],
    ] as const
  ).map(([value, label]): Case => ({
    name: `capacity-${label}`,
    object: stack(`capacity-${label}`, (s) => {
      ((s.storage as Spec).data as { nfs: Spec }).nfs.capacity = value;
    }),
    field: "spec.storage.data.nfs.capacity",
    value,
    message: sizeMessage,
  })),
  ...(["-1Gi", "0"] as const).map((value, index): Case => ({
    name: `config-size-${index}`,
    object: stack(`config-size-${index}`, (s) => ((s.storage as Spec).config = { size: value })),
    field: "spec.storage.config.size",
    value,
    message: sizeMessage,
  })),
  ...(["-1Gi", "0"] as const).map((value, index): Case => ({
    name: `app-config-size-${index}`,
    object: stack(`app-config-size-${index}`, (s) => (sonarr(s).configSize = value)),
    field: "spec.apps.sonarr.configSize",
    value,
    message: sizeMessage,
  })),
  ...(
    [
      ["memory", "-256Mi"],
      ["memory", "0"],
      ["cpu", "-1"],
      ["cpu", 0],
    ] as const
  ).map(([resource, value], index): Case => ({
    name: `app-request-${index}`,
    object: stack(`app-request-${index}`, (s) => resources(s, "requests", { [resource]: value })),
    field: `spec.apps.sonarr.resources.requests[${resource}]`,
    value,
    message: requestMessage,
  })),
  {
    name: "app-limit",
    object: stack("app-limit", (s) => resources(s, "limits", { memory: "-1Gi" })),
    field: "spec.apps.sonarr.resources.limits[memory]",
    value: "-1Gi",
    message: limitMessage,
  },
  ...(
    [
      ["metadataSize", "-1Gi"],
      ["metadataSize", 0],
      ["cacheSize", "0"],
      ["contentSize", "-5Gi"],
    ] as const
  ).map(([field, value], index): Case => ({
    name: `server-size-${index}`,
    object: server(`server-size-${index}`, (s) => ((s.storage as Spec)[field] = value)),
    field: `spec.storage.${field}`,
    value,
    message: sizeMessage,
  })),
  {
    name: "server-percona-size",
    object: server("server-percona-size", (s) => (s.percona = { storageSize: "0" })),
    field: "spec.percona.storageSize",
    value: "0",
    message: sizeMessage,
  },
  ...(
    [
      ["requests", "memory", "-1Mi", requestMessage],
      ["requests", "cpu", "0", requestMessage],
      ["limits", "memory", "-4Gi", limitMessage],
    ] as const
  ).map(([kind, resource, value, message], index): Case => ({
    name: `server-resources-${index}`,
    object: server(`server-resources-${index}`, (s) => (s.resources = { [kind]: { [resource]: value } })),
    field: `spec.resources.${kind}[${resource}]`,
    value,
    message,
  })),
];

const nameCases: Case[] = [
  {
    name: "Media",
    object: stack("Media", () => undefined),
    field: "metadata.name",
    value: "Media",
    message: "metadata.name must be at most 50 characters of lowercase letters a-z, digits and '-'",
  },
  {
    name: "s".repeat(53),
    object: server("s".repeat(53), () => undefined),
    field: "metadata.name",
    value: "s".repeat(53),
    message: "metadata.name must be at most 52 characters: the StatefulSet's pods carry",
  },
  {
    name: "bad-hostname",
    object: stack("bad-hostname", (s) => {
      s.gateway = { domain: "example.com", parentRefs: [{ name: "gateway" }] };
      sonarr(s).hostname = "Sonarr.Example.com";
    }),
    field: "spec.apps.sonarr.hostname",
    value: "Sonarr.Example.com",
    message: hostMessage,
  },
  {
    name: "bad-domain",
    object: stack("bad-domain", (s) => (s.ingress = { domain: "media_example.com" })),
    field: "spec.ingress.domain",
    value: "media_example.com",
    message: hostMessage,
  },
  {
    name: "bad-nfs-server",
    object: stack("bad-nfs-server", (s) => {
      ((s.storage as Spec).data as { nfs: Spec }).nfs.server = "nas server";
    }),
    field: "spec.storage.data.nfs.server",
    value: "nas server",
    message: "must be the NFS server's host name or IP address",
  },
  {
    name: "bad-claim",
    object: stack("bad-claim", (s) => ((s.storage as Spec).data = { existingClaim: "My_Library" })),
    field: "spec.storage.data.existingClaim",
    value: "My_Library",
    message: objectNameMessage,
  },
  {
    name: "bad-client-ref",
    object: {
      apiVersion: "torrent.qbittorrent.io/v1alpha1",
      kind: "Torrent",
      metadata: { name: "bad-client-ref" },
      spec: {
        magnet_uri: `magnet:?xt=urn:btih:${"a".repeat(40)}`,
        client_ref: { kind: "Secret", name: "QB_Credentials" },
      },
    },
    field: "spec.client_ref.name",
    value: "QB_Credentials",
    message: objectNameMessage,
  },
  {
    name: "not-a-magnet",
    object: {
      apiVersion: "torrent.qbittorrent.io/v1alpha1",
      kind: "Torrent",
      metadata: { name: "not-a-magnet" },
      spec: { magnet_uri: "https://example.com/file.torrent" },
    },
    field: "spec.magnet_uri",
    value: "https://example.com/file.torrent",
    message: "must be a magnet URI with an xt=urn:btih: (v1) or xt=urn:btmh: (v2) topic",
  },
  {
    name: "comma-tag",
    object: {
      apiVersion: "torrent.qbittorrent.io/v1alpha1",
      kind: "Torrent",
      metadata: { name: "comma-tag" },
      spec: { magnet_uri: `magnet:?xt=urn:btih:${"b".repeat(40)}`, tags: ["movies,4k"] },
    },
    field: "spec.tags[0]",
    value: "movies,4k",
    message: "a tag cannot contain a comma",
  },
];

function assertRefusedReadably(refusals: Map<string, string>, cases: readonly Case[]): void {
  for (const { name, field, value, message } of cases) {
    const refusal = refusals.get(name);
    assert.ok(refusal !== undefined, `${name} (${field}: ${JSON.stringify(value)}) was accepted`);
    assert.ok(
      refusal.includes(`${field}: Invalid value: ${JSON.stringify(value)}: ${message}`),
      `${name}: expected "${field}: Invalid value: ${JSON.stringify(value)}: ${message}…" in\n${refusal}`,
    );
    assert.doesNotMatch(refusal, /should match|<nil>/, name);
  }
  assert.equal(
    refusals.size,
    cases.length,
    `only the bad objects are refused: ${[...refusals.keys()].join(", ")}`,
  );
}

test("every negative or zero size, capacity and request is refused with a readable message", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const accepted = [
    stack("sizes-ok", (s) => {
      ((s.storage as Spec).data as { nfs: Spec }).nfs.capacity = 1099511627776;
      (s.storage as Spec).config = { size: "1.5Gi" };
      sonarr(s).resources = {
        requests: { cpu: "100m", memory: "256Mi" },
        limits: { cpu: "0", memory: "1e9" },
      };
    }),
    server("server-ok", (s) => {
      s.storage = { metadataSize: 1073741824, cacheSize: "512Mi", contentSize: "2Ti" };
      s.resources = { requests: { cpu: "250m" }, limits: { cpu: "0" } };
    }),
  ];
  const refusals = await createAll(namespace, [...accepted, ...quantityCases.map((c) => c.object)]);
  assertRefusedReadably(refusals, quantityCases);
});

test("bad names, host names, magnets and tags are refused with a message, not a regex", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const refusals = await createAll(
    namespace,
    nameCases.map((c) => c.object),
  );
  assertRefusedReadably(refusals, nameCases);
});
