// Focused renderer behaviour the golden files show but do not explain: what a prune deletes, what the
// reconcile must pass in, the PersistentVolume's binding, env precedence and the security contexts.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1Deployment, V1PersistentVolume, V1Service } from "@kubernetes/client-node";
import { appCatalog, linuxServerCapabilities } from "../../../operator/controllers/mediastack/catalog.js";
import { allStackObjectNames } from "../../../operator/controllers/mediastack/names.js";
import { renderMediaStack } from "../../../operator/controllers/mediastack/render/index.js";
import { allObjects, loadSample, renderWithDefaults, stackWith } from "./fixtures.js";

/** What the framework's prune would delete: every name the stack can own, less what is rendered or kept. */
function prunedKeys(render: ReturnType<typeof renderMediaStack>, stack = "minimal"): string[] {
  const spared = new Set([
    ...render.children.map((object) => `${object.kind}/${object.metadata?.name}`),
    ...render.keep.map((ref) => `${ref.kind}/${ref.name}`),
  ]);
  return allStackObjectNames("media", stack)
    .filter((entry) => entry.namespace !== undefined)
    .map((entry) => `${entry.kind}/${entry.name}`)
    .filter((key) => !spared.has(key));
}

test("disabled apps, the unused routing kinds and a disabled NetworkPolicy are pruned; config claims are kept", () => {
  const pruned = prunedKeys(renderWithDefaults(loadSample("minimal.yaml")));
  for (const app of ["bazarr", "jackett", "transmission"]) {
    assert.ok(pruned.includes(`Deployment/minimal-${app}`));
    assert.ok(pruned.includes(`Service/minimal-${app}`));
    assert.ok(!pruned.includes(`PersistentVolumeClaim/minimal-${app}-config`));
  }
  for (const app of ["prowlarr", "sonarr", "radarr", "qbittorrent", "jellyfin"]) {
    assert.ok(pruned.includes(`HTTPRoute/minimal-${app}`) && pruned.includes(`Ingress/minimal-${app}`));
    assert.ok(!pruned.includes(`Deployment/minimal-${app}`));
  }
  assert.ok(pruned.includes("NetworkPolicy/minimal"));
  assert.ok(!pruned.includes("Secret/minimal-qbittorrent-credentials"));
});

test("with deleteOnDisable a disabled app's config claim (and qBittorrent's Secret) are pruned too", () => {
  const stack = stackWith({
    storage: { data: { existingClaim: "library" }, config: { deleteOnDisable: true } },
    apps: { qbittorrent: { enabled: false } },
  });
  const pruned = prunedKeys(renderMediaStack(stack), "arr");
  assert.ok(pruned.includes("PersistentVolumeClaim/arr-qbittorrent-config"));
  assert.ok(pruned.includes("Secret/arr-qbittorrent-credentials"));
  assert.ok(pruned.includes("PersistentVolumeClaim/arr-bazarr-config"));
  const kept = prunedKeys(
    renderMediaStack(
      stackWith({
        storage: { data: { existingClaim: "library" } },
        apps: { qbittorrent: { enabled: false } },
      }),
    ),
    "arr",
  );
  assert.ok(!kept.includes("Secret/arr-qbittorrent-credentials"), "without deleteOnDisable the Secret stays");
  assert.ok(!kept.includes("PersistentVolumeClaim/arr-qbittorrent-config"));
});

test("an existing claim renders no volume or claim; the old data claim is pruned, the volume only with Delete", () => {
  const retain = renderWithDefaults(stackWith({ storage: { data: { existingClaim: "library" } } }));
  assert.equal(retain.persistentVolume, undefined);
  assert.ok(
    !retain.children.some((o) => o.kind === "PersistentVolumeClaim" && o.metadata?.name === "arr-data"),
  );
  assert.ok(prunedKeys(retain, "arr").includes("PersistentVolumeClaim/arr-data"));
  assert.equal(retain.unusedVolumeName, undefined, "Retain keeps the volume");
  const remove = renderWithDefaults(
    stackWith({ storage: { data: { existingClaim: "library", reclaimPolicy: "Delete" } } }),
  );
  assert.equal(remove.unusedVolumeName, "mediaplane-media.arr-data");
  const sameName = renderWithDefaults(stackWith({ storage: { data: { existingClaim: "arr-data" } } }));
  assert.ok(
    !prunedKeys(sameName, "arr").includes("PersistentVolumeClaim/arr-data"),
    "never delete the user's own claim",
  );
  assert.equal(sameName.unusedVolumeName, undefined);
});

test("qBittorrent needs the generated credentials; without qBittorrent none are needed", () => {
  assert.throws(() => renderMediaStack(loadSample("minimal.yaml")), /no credentials/);
  const stack = stackWith({
    storage: { data: { existingClaim: "library" } },
    apps: { qbittorrent: { enabled: false } },
  });
  assert.ok(!renderMediaStack(stack).children.some((o) => o.kind === "Secret"));
});

test("a DittoServer without an endpoint yet renders no volume or claim, the apps still point at the claim", () => {
  const render = renderWithDefaults(
    stackWith({ storage: { data: { dittoServerRef: { name: "library" } } } }),
  );
  assert.equal(render.persistentVolume, undefined);
  assert.ok(
    !render.children.some((o) => o.kind === "PersistentVolumeClaim" && o.metadata?.name === "arr-data"),
  );
  const sonarr = render.children.find(
    (o) => o.metadata?.name === "arr-sonarr" && o.kind === "Deployment",
  ) as V1Deployment;
  assert.ok(
    sonarr.spec?.template.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === "arr-data"),
  );
});

test("the volume keeps a binding to the current claim and drops a stale one", () => {
  const stack = loadSample("seed-002-nfs-gateway.yaml");
  const bound: V1PersistentVolume = {
    spec: {
      claimRef: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: "media",
        name: "arr-data",
        uid: "1111",
        resourceVersion: "42",
      },
    },
  };
  const kept = renderWithDefaults(stack, { observedDataVolume: bound, observedDataClaimUid: "1111" });
  assert.deepEqual(kept.persistentVolume?.spec?.claimRef, bound.spec?.claimRef);
  const released = renderWithDefaults(stack, { observedDataVolume: bound, observedDataClaimUid: "2222" });
  assert.deepEqual(released.persistentVolume?.spec?.claimRef, {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    namespace: "media",
    name: "arr-data",
  });
  assert.equal(released.persistentVolume?.spec?.persistentVolumeReclaimPolicy, "Retain");
});

test("no rendered object carries an owner reference (the framework adds them)", () => {
  const render = renderWithDefaults(loadSample("optional-apps.yaml"));
  for (const object of allObjects(render)) assert.equal(object.metadata?.ownerReferences, undefined);
});

test("every Deployment: Recreate, seccomp RuntimeDefault, drop ALL, no privilege escalation, a probe", () => {
  const render = renderWithDefaults(loadSample("optional-apps.yaml"));
  const deployments = render.children.filter((o) => o.kind === "Deployment") as V1Deployment[];
  assert.equal(deployments.length, 8);
  for (const deployment of deployments) {
    const pod = deployment.spec?.template.spec;
    assert.equal(deployment.spec?.strategy?.type, "Recreate");
    assert.equal(pod?.securityContext?.seccompProfile?.type, "RuntimeDefault");
    for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false, container.name);
      assert.deepEqual(container.securityContext?.capabilities?.drop, ["ALL"], container.name);
    }
    const [main] = pod?.containers ?? [];
    assert.ok(main?.readinessProbe && main.livenessProbe && main.startupProbe);
    const app = appCatalog[main.name as keyof typeof appCatalog];
    if (app.linuxServer) {
      assert.deepEqual(main.securityContext?.capabilities?.add, [...linuxServerCapabilities]);
      assert.ok(main.env?.some((e) => e.name === "PUID"));
    } else {
      assert.equal(main.securityContext?.capabilities?.add, undefined);
      assert.equal(main.securityContext?.runAsNonRoot, true);
      assert.ok(!main.env?.some((e) => e.name === "PUID"));
    }
    const mountsData = main.volumeMounts?.some((m) => m.mountPath === "/data") ?? false;
    assert.equal(mountsData, app.mountsData, main.name);
    assert.equal(pod?.initContainers?.some((c) => c.name === "init-data-layout") ?? false, app.mountsData);
  }
});

test("probes: /ping for the *arr apps, /health for Jellyfin, TCP for qBittorrent", () => {
  const render = renderWithDefaults(loadSample("seed-002-nfs-gateway.yaml"));
  const probe = (app: string): unknown =>
    (
      render.children.find(
        (o) => o.kind === "Deployment" && o.metadata?.name === `arr-${app}`,
      ) as V1Deployment
    ).spec?.template.spec?.containers[0]?.readinessProbe;
  for (const app of ["sonarr", "radarr", "prowlarr"]) {
    assert.deepEqual((probe(app) as { httpGet: unknown }).httpGet, { path: "/ping", port: "http" });
  }
  assert.deepEqual((probe("jellyfin") as { httpGet: unknown }).httpGet, { path: "/health", port: "http" });
  assert.deepEqual((probe("qbittorrent") as { tcpSocket: unknown }).tcpSocket, { port: "http" });
});

test("each Service's port equals its container port", () => {
  const render = renderWithDefaults(loadSample("optional-apps.yaml"));
  for (const service of render.children.filter((o) => o.kind === "Service") as V1Service[]) {
    const app = service.metadata?.labels?.["app.kubernetes.io/name"] as keyof typeof appCatalog;
    assert.equal(service.spec?.ports?.[0]?.port, appCatalog[app].port);
  }
});

test("the user's env overrides the stack's by name and comes after it otherwise", () => {
  const stack = stackWith({
    storage: { data: { existingClaim: "library" } },
    timezone: "Asia/Manila",
    apps: {
      radarr: {
        env: [
          { name: "TZ", value: "Europe/Paris" },
          { name: "EXTRA", value: "1" },
        ],
      },
    },
  });
  const radarr = renderWithDefaults(stack).children.find(
    (o) => o.kind === "Deployment" && o.metadata?.name === "arr-radarr",
  ) as V1Deployment;
  const env = radarr.spec?.template.spec?.containers[0]?.env ?? [];
  assert.deepEqual(
    env.map((e) => `${e.name}=${e.value ?? `secret:${e.valueFrom?.secretKeyRef?.key}`}`),
    ["TZ=Europe/Paris", "PUID=1000", "PGID=1000", "RADARR__AUTH__APIKEY=secret:radarr-api-key", "EXTRA=1"],
  );
});

test("Sonarr, Radarr and Prowlarr get their API key from the stack's Secret, the others none", () => {
  const render = renderWithDefaults(loadSample("optional-apps.yaml"));
  const keyed = new Map<string, string>();
  for (const deployment of render.children.filter((o) => o.kind === "Deployment") as V1Deployment[]) {
    for (const variable of deployment.spec?.template.spec?.containers[0]?.env ?? []) {
      if (!variable.name.endsWith("__AUTH__APIKEY")) continue;
      assert.equal(variable.value, undefined, "never inline");
      assert.equal(variable.valueFrom?.secretKeyRef?.name, "full-api-keys");
      keyed.set(deployment.metadata?.name ?? "", `${variable.name}=${variable.valueFrom?.secretKeyRef?.key}`);
    }
  }
  assert.deepEqual(Object.fromEntries(keyed), {
    "full-prowlarr": "PROWLARR__AUTH__APIKEY=prowlarr-api-key",
    "full-sonarr": "SONARR__AUTH__APIKEY=sonarr-api-key",
    "full-radarr": "RADARR__AUTH__APIKEY=radarr-api-key",
  });
});

test("resources given for an app replace the catalog's as a whole", () => {
  const render = renderWithDefaults(loadSample("optional-apps.yaml"));
  const jellyfin = render.children.find(
    (o) => o.kind === "Deployment" && o.metadata?.name === "full-jellyfin",
  ) as V1Deployment;
  assert.deepEqual(jellyfin.spec?.template.spec?.containers[0]?.resources, {
    limits: { memory: "4Gi" },
    requests: { cpu: "1", memory: "1Gi" },
  });
});
