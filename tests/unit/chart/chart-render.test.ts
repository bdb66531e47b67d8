// Renders the chart with the real helm (lint, template) and checks what a user relies on: typos
// refused by the schema, every value documented, and an operator Deployment that is locked down.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isMap, parseDocument, type YAMLMap } from "yaml";
import { chartDir, helmSync, renderChartObjects, repoRoot, type RenderedObject } from "../../support/helm.js";

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

const one = (objects: RenderedObject[], kind: string): RenderedObject => {
  const found = objects.filter((object) => object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0];
};

interface Container {
  image: string;
  imagePullPolicy: string;
  env: Array<{ name: string; value?: string; valueFrom?: Record<string, Record<string, unknown>> }>;
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  ports: Array<{ name: string; containerPort: number }>;
  resources: Record<string, unknown>;
}

function podSpecOf(objects: RenderedObject[]): { spec: Record<string, unknown>; container: Container } {
  const deployment = one(objects, "Deployment") as unknown as {
    spec: { template: { spec: Record<string, unknown> & { containers: Container[] } } };
  };
  const spec = deployment.spec.template.spec;
  assert.equal(spec.containers.length, 1);
  return { spec, container: spec.containers[0] };
}

const envOf = (container: Container): Map<string, Container["env"][number]> =>
  new Map(container.env.map((entry) => [entry.name, entry]));

test("helm lint passes with the default values", () => {
  const result = helmSync(["lint", "--strict", chartDir]);
  assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

test("helm template renders the operator's objects", () => {
  const kinds = renderChartObjects().map((object) => object.kind);
  for (const kind of [
    "ServiceAccount",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "Service",
    "Deployment",
  ]) {
    assert.ok(kinds.includes(kind), `renders a ${kind}`);
  }
  assert.ok(!kinds.includes("ServiceMonitor"), "no ServiceMonitor unless asked");
});

test("the values schema refuses unknown keys at the top and nested", () => {
  for (const typo of ["typo=1", "image.tga=1", "crds.kep=false", "metrics.serviceMonitor.enable=true"]) {
    const result = helmSync(["template", "mp", chartDir, "--set", typo], { allowFailure: true });
    assert.notEqual(result.code, 0, `--set ${typo} must fail`);
    assert.match(result.stderr, /additional properties .* not allowed/, typo);
  }
  const badEnum = helmSync(["template", "mp", chartDir, "--set", "logFormat=xml"], { allowFailure: true });
  assert.notEqual(badEnum.code, 0, "logFormat=xml must fail");
});

test("every object in the values schema closes its properties (additionalProperties: false)", () => {
  const schema = JSON.parse(readFileSync(join(chartDir, "values.schema.json"), "utf8")) as SchemaNode;
  // Kubernetes types passed through as they are; the API server validates their insides.
  const passThrough = new Set(["affinity.nodeAffinity", "affinity.podAffinity", "affinity.podAntiAffinity"]);
  const open: string[] = [];
  const visit = (node: SchemaNode, path: string): void => {
    if (node.type === "object") {
      const closed = node.additionalProperties === false && node.properties !== undefined;
      // A map of user-chosen keys (labels, annotations, resource names) types its values instead.
      const typedMap = typeof node.additionalProperties === "object" && node.properties === undefined;
      if (!closed && !typedMap && !passThrough.has(path)) open.push(path || "(root)");
    }
    for (const [key, child] of Object.entries(node.properties ?? {}))
      visit(child, path ? `${path}.${key}` : key);
    if (node.items !== undefined) visit(node.items, `${path}[]`);
  };
  visit(schema, "");
  assert.deepEqual(open, []);
});

test("every value in values.yaml has a `# --` comment (on itself or on the block it belongs to)", () => {
  const document = parseDocument(readFileSync(join(chartDir, "values.yaml"), "utf8"));
  const undocumented: string[] = [];
  const visit = (map: YAMLMap, path: string, inherited: boolean): void => {
    map.items.forEach((pair, index) => {
      const key = String((pair.key as { value: unknown }).value);
      const comment =
        (pair.key as { commentBefore?: string }).commentBefore ??
        (index === 0 ? map.commentBefore : undefined);
      const documented = inherited || /(^|\n) ?-- \S/.test(comment ?? "");
      if (isMap(pair.value) && pair.value.items.length > 0) visit(pair.value, `${path}${key}.`, documented);
      else if (!documented) undocumented.push(`${path}${key}`);
    });
  };
  const contents = document.contents;
  assert.ok(isMap(contents));
  visit(contents, "", false);
  assert.deepEqual(undocumented, []);
});

test("Chart.yaml's appVersion is package.json's version, and the image tag defaults to it", () => {
  const chart = parseDocument(readFileSync(join(chartDir, "Chart.yaml"), "utf8")).toJS() as {
    appVersion: string;
  };
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  assert.equal(chart.appVersion, pkg.version);
  assert.match(
    podSpecOf(renderChartObjects()).container.image,
    new RegExp(`:${pkg.version.replaceAll(".", "\\.")}$`),
  );
  const tagged = podSpecOf(renderChartObjects(["image.repository=registry.local/mp", "image.tag=dev"]));
  assert.equal(tagged.container.image, "registry.local/mp:dev");
});

test("the operator runs non-root on a read-only filesystem without capabilities", () => {
  const { spec, container } = podSpecOf(renderChartObjects());
  assert.deepEqual(spec["securityContext"], {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    seccompProfile: { type: "RuntimeDefault" },
  });
  assert.deepEqual(container.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  });
  assert.ok(container.resources["requests"] !== undefined && container.resources["limits"] !== undefined);
});

test("probes and metrics share the probe port; leader election is on with the downward API identity", () => {
  const objects = renderChartObjects(["metrics.port=9443", "replicaCount=2"]);
  const { container } = podSpecOf(objects);
  assert.deepEqual(container.ports, [{ name: "http", containerPort: 9443, protocol: "TCP" }]);
  assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "http" });
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "http" });
  const env = envOf(container);
  assert.equal(env.get("MEDIAPLANE_PROBE_PORT")?.value, "9443");
  assert.equal(env.get("MEDIAPLANE_LEADER_ELECTION")?.value, "true");
  assert.equal(env.get("MEDIAPLANE_LEASE_NAMESPACE")?.value, "mp-system");
  assert.deepEqual(env.get("POD_NAME")?.valueFrom, { fieldRef: { fieldPath: "metadata.name" } });
  assert.deepEqual(env.get("POD_NAMESPACE")?.valueFrom, { fieldRef: { fieldPath: "metadata.namespace" } });
  assert.equal((one(objects, "Deployment").spec as { replicas: number }).replicas, 2);
  const service = one(objects, "Service").spec as { ports: Array<{ port: number; targetPort: string }> };
  assert.deepEqual(
    service.ports.map((port) => [port.port, port.targetPort]),
    [[9443, "http"]],
  );
});

test("log settings and QBITTORRENT_* come from values and the named Secret", () => {
  const plain = envOf(podSpecOf(renderChartObjects()).container);
  assert.equal(plain.get("MEDIAPLANE_LOG_LEVEL")?.value, "info");
  assert.equal(plain.get("MEDIAPLANE_LOG_FORMAT")?.value, "json");
  assert.ok(![...plain.keys()].some((name) => name.startsWith("QBITTORRENT_")), "no default qBittorrent");

  const sets = ["logLevel=debug", "logFormat=console", "defaultQbittorrent.existingSecret=qbt"];
  const env = envOf(podSpecOf(renderChartObjects(sets)).container);
  assert.equal(env.get("MEDIAPLANE_LOG_LEVEL")?.value, "debug");
  assert.equal(env.get("MEDIAPLANE_LOG_FORMAT")?.value, "console");
  const keys = {
    QBITTORRENT_URL: "url",
    QBITTORRENT_USERNAME: "username",
    QBITTORRENT_PASSWORD: "password",
    QBITTORRENT_API_KEY: "api_key",
  };
  for (const [name, key] of Object.entries(keys)) {
    const ref = env.get(name)?.valueFrom?.["secretKeyRef"];
    assert.equal(ref?.["name"], "qbt", name);
    assert.equal(ref?.["key"], key, name);
    assert.equal(ref?.["optional"], name === "QBITTORRENT_URL" ? undefined : true, name);
  }
});

test("scheduling values reach the pod; the ServiceMonitor appears only when enabled", () => {
  const sets = [
    "podAnnotations.a=b",
    "nodeSelector.disk=ssd",
    "tolerations[0].key=dedicated",
    "tolerations[0].operator=Exists",
    "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution=null",
    "metrics.serviceMonitor.enabled=true",
    "metrics.serviceMonitor.labels.release=prometheus",
  ];
  const objects = renderChartObjects(sets);
  const { spec } = podSpecOf(objects);
  assert.deepEqual(spec["nodeSelector"], { disk: "ssd" });
  assert.deepEqual(spec["tolerations"], [{ key: "dedicated", operator: "Exists" }]);
  const template = (
    one(objects, "Deployment").spec as { template: { metadata: { annotations: Record<string, string> } } }
  ).template;
  assert.equal(template.metadata.annotations["a"], "b");
  const monitor = one(objects, "ServiceMonitor");
  assert.equal(monitor.metadata.labels?.["release"], "prometheus");
});

test("NOTES.txt names the next steps", () => {
  // helm template does not render NOTES.txt (lint does, above); check its text.
  const notes = readFileSync(join(chartDir, "templates", "NOTES.txt"), "utf8");
  for (const expected of [
    "rollout status",
    "kubectl get mediaplane",
    "kubectl describe",
    "condition=Ready",
    "samples/",
  ]) {
    assert.ok(notes.includes(expected), `NOTES mention ${expected}`);
  }
});
