// The real node's operator image is assembled without Docker (tests/cluster/images/node-images.ts); this
// proves its config says what the Dockerfile's final stage says, so the e2e runs the image users get.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { operatorImageConfig } from "../../cluster/images/node-images.js";
import { finalStage, repoDockerfile } from "../../support/dockerfile.js";
import { repoRoot } from "../../support/helm.js";

const dockerfile = repoDockerfile();
const final = finalStage(dockerfile);
const args = (keyword: string): string[] => final.filter((i) => i.keyword === keyword).map((i) => i.args);
const argDefault = (name: string): string | undefined =>
  dockerfile.find((i) => i.keyword === "ARG" && i.args.startsWith(`${name}=`))?.args.slice(name.length + 1);

test("user, working directory, port and entrypoint are the Dockerfile's", () => {
  assert.deepEqual([operatorImageConfig.User], args("USER"));
  assert.deepEqual([operatorImageConfig.WorkingDir], args("WORKDIR"));
  assert.deepEqual(
    Object.keys(operatorImageConfig.ExposedPorts ?? {}),
    args("EXPOSE").flatMap((ports) =>
      ports.split(/\s+/).map((port) => (port.includes("/") ? port : `${port}/tcp`)),
    ),
  );
  assert.deepEqual(operatorImageConfig.Entrypoint, JSON.parse(args("ENTRYPOINT")[0] ?? "null"));
});

test("every ENV of the final stage is set in the image", () => {
  const env = new Set(operatorImageConfig.Env);
  for (const line of args("ENV")) {
    for (const pair of line.split(/\s+/)) assert.ok(env.has(pair), `image lacks ENV ${pair}`);
  }
});

test("the labels are the Dockerfile's, ARG defaults filled in (the base image name aside: no node image here)", () => {
  const text = args("LABEL").join(" ");
  const labels = Object.fromEntries(
    [...text.matchAll(/(\S+)="([^"]*)"/g)].map(([, key = "", value = ""]) => [
      key,
      value.replace(/\$\{(\w+)\}/g, (_, name: string) => argDefault(name) ?? ""),
    ]),
  );
  delete labels["org.opencontainers.image.base.name"];
  assert.deepEqual(operatorImageConfig.Labels, labels);
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  assert.equal(operatorImageConfig.Labels?.["org.opencontainers.image.version"], pkg.version);
});

test("the final stage ships package.json, node_modules and dist under the working directory, as the image does", () => {
  const destinations = args("COPY").map((copy) => copy.split(/\s+/).at(-1));
  assert.deepEqual(destinations, ["./", "node_modules/", "dist/"]);
});
