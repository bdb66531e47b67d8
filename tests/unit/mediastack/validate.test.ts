// validateStack: the checks a PermanentError reports, mirroring the CRD's CEL rules and adding what
// CEL cannot do (requests over limits), each with the field it is about.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeValidationProblems,
  validateStack,
} from "../../../operator/controllers/mediastack/validate.js";
import { parseQuantity } from "../../../operator/controllers/mediastack/quantity.js";
import { loadSample, stackWith } from "./fixtures.js";

const fields = (stack: Parameters<typeof validateStack>[0]): string[] =>
  validateStack(stack).map((p) => p.field);

test("every sample is valid", () => {
  for (const sample of [
    "seed-002-nfs-gateway.yaml",
    "existing-claim-ingress.yaml",
    "minimal.yaml",
    "optional-apps.yaml",
  ]) {
    assert.deepEqual(validateStack(loadSample(sample)), [], sample);
  }
});

test("a name that cannot prefix a Service name is refused", () => {
  assert.deepEqual(fields(stackWith({ storage: { data: { existingClaim: "x" } } }, "a".repeat(51))), [
    "metadata.name",
  ]);
  assert.deepEqual(fields(stackWith({ storage: { data: { existingClaim: "x" } } }, "1arr")), [
    "metadata.name",
  ]);
});

test("exactly one storage source, gateway or ingress, at least one app", () => {
  assert.deepEqual(fields(stackWith({ storage: { data: {} } })), ["spec.storage.data"]);
  assert.deepEqual(
    fields(stackWith({ storage: { data: { existingClaim: "x", nfs: { server: "s", path: "/" } } } })),
    ["spec.storage.data"],
  );
  const both = stackWith({
    storage: { data: { existingClaim: "x" } },
    gateway: { parentRefs: [{ name: "g" }], domain: "example.org" },
    ingress: { domain: "example.org" },
  });
  assert.ok(fields(both).includes("spec"));
  const none = stackWith({
    storage: { data: { existingClaim: "x" } },
    apps: Object.fromEntries(
      ["prowlarr", "sonarr", "radarr", "qbittorrent", "jellyfin"].map((app) => [app, { enabled: false }]),
    ),
  });
  assert.deepEqual(fields(none), ["spec.apps"]);
});

test("host names must be unique among enabled apps (disabled apps do not count)", () => {
  const clash = stackWith({
    storage: { data: { existingClaim: "x" } },
    gateway: { parentRefs: [{ name: "g" }], domain: "example.org" },
    apps: { jellyfin: { hostname: "sonarr.example.org" } },
  });
  const problems = validateStack(clash);
  assert.deepEqual(problems, [
    {
      field: "spec.apps.jellyfin.hostname",
      message: "host name sonarr.example.org is already used by sonarr",
    },
  ]);
  assert.match(describeValidationProblems(problems), /^spec\.apps\.jellyfin\.hostname: host name/);
  const disabled = stackWith({
    storage: { data: { existingClaim: "x" } },
    gateway: { parentRefs: [{ name: "g" }], domain: "example.org" },
    apps: { jellyfin: { hostname: "bazarr.example.org" } },
  });
  assert.deepEqual(validateStack(disabled), []);
});

test("requests above limits are refused before the API server refuses the Deployment", () => {
  const stack = stackWith({
    storage: { data: { existingClaim: "x" } },
    apps: {
      radarr: {
        resources: { requests: { cpu: "2", memory: "512Mi" }, limits: { cpu: "1500m", memory: "1Gi" } },
      },
    },
  });
  assert.deepEqual(validateStack(stack), [
    { field: "spec.apps.radarr.resources", message: "cpu request 2 exceeds its limit 1500m" },
  ]);
});

test("parseQuantity reads the suffixes Kubernetes uses", () => {
  assert.equal(parseQuantity("250m"), 0.25);
  assert.equal(parseQuantity("1Gi"), 2 ** 30);
  assert.equal(parseQuantity("1G"), 1e9);
  assert.equal(parseQuantity("1.5"), 1.5);
  assert.equal(parseQuantity("2e3"), 2000);
  assert.equal(parseQuantity(3), 3);
  assert.equal(parseQuantity("lots"), undefined);
});
