// The docs' condition-reason tables are generated from the reason tables the controllers run with:
// this fails when a reason changed without `npm run gen:reasons`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { docsPath, reasonDocs, withReasonTable } from "../../tools/reason-docs.js";

for (const { page, source, table } of reasonDocs) {
  test(`docs/${page} lists every reason of ${source}`, () => {
    const text = readFileSync(docsPath(page), "utf8");
    assert.equal(text, withReasonTable(text, page, source, table), "run npm run gen:reasons");
    for (const [condition, reasons] of Object.entries(table)) {
      for (const [reason, entry] of Object.entries(reasons)) {
        assert.ok(
          text.includes(`| ${condition} | ${entry.status} | \`${reason}\` |`),
          `${condition}/${reason}`,
        );
      }
    }
  });
}
