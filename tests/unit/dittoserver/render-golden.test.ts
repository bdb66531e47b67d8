// Golden files for everything a DittoServer renders, one YAML per scenario of issue 5; a change in
// any child shows up as a reviewable diff (UPDATE_GOLDEN=1 rewrites them).
import { test } from "node:test";
import { renderDittoServer } from "../../../operator/controllers/dittoserver/render/index.js";
import { assertMatchesGolden } from "../../support/golden.js";
import { fixedInputs, goldenScenarios, secretVersionsFor } from "./fixtures.js";

for (const [scenario, server] of Object.entries(goldenScenarios())) {
  test(`DittoServer ${scenario} renders its golden children`, () => {
    const rendering = renderDittoServer(server, fixedInputs(secretVersionsFor(server)));
    const summary = {
      scenario,
      configHash: rendering.configHash,
      children: rendering.children.map(({ object, owned, createOnly }) => ({
        kind: object.kind,
        name: object.metadata?.name,
        owned,
        createOnly,
      })),
    };
    assertMatchesGolden(`dittoserver/${scenario}`, [
      summary,
      ...rendering.children.map(({ object }) => object),
    ]);
  });
}
