// tools/release-version.ts on a copy of the version-carrying files: `set` moves package.json, the lock
// file and the chart's version and appVersion together; `check` refuses a tag any of them disagrees with.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readVersions, releaseProblems, setVersion } from "../../../tools/release-version.js";
import { repoRoot } from "../../support/helm.js";

function copyOfRepoFiles(): string {
  const root = mkdtempSync(join(tmpdir(), "mediaplane-version-"));
  mkdirSync(join(root, "helm", "mediaplane"), { recursive: true });
  for (const file of ["package.json", "package-lock.json", "CHANGELOG.md", "helm/mediaplane/Chart.yaml"]) {
    copyFileSync(join(repoRoot, file), join(root, file));
  }
  return root;
}

test("the repository's own versions agree with each other and with a CHANGELOG section", () => {
  const found = readVersions(repoRoot);
  assert.equal(found.lockVersion, found.packageVersion);
  assert.equal(found.chartVersion, found.packageVersion);
  assert.equal(found.chartAppVersion, found.packageVersion);
  assert.ok(found.changelogHasSection, `CHANGELOG.md has ## [${found.packageVersion}]`);
  assert.deepEqual(releaseProblems(repoRoot, `v${found.packageVersion}`), []);
});

test("set writes one version everywhere; check then passes only with a CHANGELOG section for it", (t) => {
  const root = copyOfRepoFiles();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  setVersion(root, "1.4.0");
  assert.deepEqual(readVersions(root, "1.4.0"), {
    packageVersion: "1.4.0",
    lockVersion: "1.4.0",
    chartVersion: "1.4.0",
    chartAppVersion: "1.4.0",
    changelogHasSection: false,
  });
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  assert.equal(lock.packages[""]?.version, "1.4.0");
  assert.match(readFileSync(join(root, "helm/mediaplane/Chart.yaml"), "utf8"), /^appVersion: "1\.4\.0"$/m);
  assert.deepEqual(releaseProblems(root, "v1.4.0"), ['CHANGELOG.md has no "## [1.4.0]" section']);
  const changelog = join(root, "CHANGELOG.md");
  writeFileSync(
    changelog,
    readFileSync(changelog, "utf8").replace("## [Unreleased]", "## [Unreleased]\n\n## [1.4.0] - 2027-01-01"),
  );
  assert.deepEqual(releaseProblems(root, "v1.4.0"), []);
});

test("check names every file that disagrees with the tag, and refuses a tag that is not v<semver>", (t) => {
  const root = copyOfRepoFiles();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  setVersion(root, "2.0.0");
  const chart = join(root, "helm/mediaplane/Chart.yaml");
  writeFileSync(chart, readFileSync(chart, "utf8").replace(/^appVersion:.*$/m, 'appVersion: "1.9.9"'));
  const problems = releaseProblems(root, "v2.0.0");
  assert.ok(problems.includes("Chart.yaml appVersion is 1.9.9, the tag says 2.0.0"), problems.join("\n"));
  assert.deepEqual(releaseProblems(root, "2.0.0"), ["tag 2.0.0 is not v<semantic version>"]);
  assert.throws(() => setVersion(root, "two"), /not a semantic version/);
});
