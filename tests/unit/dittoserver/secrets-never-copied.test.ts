// Secrets reach the pod only by secretKeyRef: no credential-named env var carries a value, no
// Secret value lands in the ConfigMap, and the only rendered Secret is the generated control plane.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1Container, V1StatefulSet } from "@kubernetes/client-node";
import { renderDittoServer } from "../../../operator/controllers/dittoserver/render/index.js";
import { dittoServer, fixedInputs, goldenScenarios, secretVersionsFor } from "./fixtures.js";

const SENSITIVE_ENV = /SECRET|PASSWORD|ACCESS_KEY|TOKEN|DITTOFS_DATABASE_POSTGRES_|AWS_ENDPOINT_URL/;

const scenarios = {
  ...goldenScenarios(),
  external: dittoServer("external-pg", {
    storage: { metadataSize: "1Gi" },
    database: { type: "postgres", postgresSecretRef: { name: "my-postgres" } },
    s3: { credentialsSecretRef: { secretName: "s3" } },
  }),
};

for (const [scenario, server] of Object.entries(scenarios)) {
  test(`${scenario}: credentials are secretKeyRefs, never values`, () => {
    const { children } = renderDittoServer(server, fixedInputs(secretVersionsFor(server)));
    const statefulSet = children.find(({ object }) => object.kind === "StatefulSet")?.object as V1StatefulSet;
    const podSpec = statefulSet.spec?.template.spec;
    const containers: V1Container[] = [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])];
    for (const variable of containers.flatMap((container) => container.env ?? [])) {
      if (!SENSITIVE_ENV.test(variable.name)) continue;
      assert.equal(variable.value, undefined, `${variable.name} must not carry a value`);
      assert.ok(variable.valueFrom?.secretKeyRef?.name, `${variable.name} must come from a secretKeyRef`);
    }
    const secrets = children.filter(({ object }) => object.kind === "Secret");
    assert.deepEqual(
      secrets.map(({ object, createOnly, owned }) => [object.metadata?.name, createOnly, owned]),
      [[`${server.metadata.name}-controlplane`, true, false]],
    );
    const everythingButThatSecret = JSON.stringify(children.filter(({ object }) => object.kind !== "Secret"));
    const { jwtSecret, adminPassword } = fixedInputs({}).controlPlaneCredentials;
    for (const value of [jwtSecret, adminPassword]) {
      assert.ok(
        !everythingButThatSecret.includes(value),
        "generated credentials appear only in their Secret",
      );
    }
    assert.ok(!everythingButThatSecret.includes('AWS_SECRET_ACCESS_KEY","value"'));
  });
}

test("the S3 and PostgreSQL env vars read the keys the spec names", () => {
  const server = scenarios.external;
  const { children } = renderDittoServer(server, fixedInputs(secretVersionsFor(server)));
  const statefulSet = children.find(({ object }) => object.kind === "StatefulSet")?.object as V1StatefulSet;
  const env = statefulSet.spec?.template.spec?.containers[0]?.env ?? [];
  const refs = Object.fromEntries(
    env.map((variable) => [
      variable.name,
      variable.valueFrom?.secretKeyRef
        ? `${variable.valueFrom.secretKeyRef.name}/${variable.valueFrom.secretKeyRef.key}`
        : variable.value,
    ]),
  );
  assert.equal(refs.AWS_ACCESS_KEY_ID, "s3/accessKeyId");
  assert.equal(refs.AWS_SECRET_ACCESS_KEY, "s3/secretAccessKey");
  assert.equal(refs.AWS_ENDPOINT_URL, "s3/endpoint");
  assert.equal(refs.DITTOFS_DATABASE_POSTGRES_HOST, "my-postgres/host");
  assert.equal(refs.DITTOFS_DATABASE_POSTGRES_DATABASE, "my-postgres/dbname");
  assert.equal(refs.DITTOFS_DATABASE_POSTGRES_PASSWORD, "my-postgres/password");
  assert.equal(refs.AWS_REGION, undefined, "no region, no AWS_REGION");
});
