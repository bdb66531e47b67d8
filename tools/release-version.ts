// One version for a release: `set X.Y.Z` writes it to package.json, package-lock.json and the chart's
// version and appVersion together (then regenerates dist/install.yaml); `check vX.Y.Z` is the release
// workflow's gate: the tag, those files and a CHANGELOG.md section must all agree.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export interface VersionFiles {
  packageVersion: string;
  lockVersion: string;
  chartVersion: string;
  chartAppVersion: string;
  changelogHasSection: boolean;
}

const paths = (root: string): Record<"pkg" | "lock" | "chart" | "changelog", string> => ({
  pkg: join(root, "package.json"),
  lock: join(root, "package-lock.json"),
  chart: join(root, "helm", "mediaplane", "Chart.yaml"),
  changelog: join(root, "CHANGELOG.md"),
});

/** The `version:` / `appVersion:` line values of Chart.yaml (quotes removed). */
function chartField(chart: string, field: "version" | "appVersion"): string {
  const match = new RegExp(`^${field}:\\s*"?([^"\\s]+)"?\\s*$`, "m").exec(chart);
  if (match === null) throw new Error(`Chart.yaml has no ${field} line`);
  return match[1];
}

export function readVersions(root: string, version?: string): VersionFiles {
  const p = paths(root);
  const pkg = JSON.parse(readFileSync(p.pkg, "utf8")) as { version: string };
  const lock = JSON.parse(readFileSync(p.lock, "utf8")) as { version: string };
  const chart = readFileSync(p.chart, "utf8");
  const wanted = version ?? pkg.version;
  const changelog = readFileSync(p.changelog, "utf8");
  return {
    packageVersion: pkg.version,
    lockVersion: lock.version,
    chartVersion: chartField(chart, "version"),
    chartAppVersion: chartField(chart, "appVersion"),
    changelogHasSection: new RegExp(`^## \\[${wanted.replace(/\./g, "\\.")}\\]`, "m").test(changelog),
  };
}

/** Writes `version` into package.json, package-lock.json and Chart.yaml (version and appVersion). */
export function setVersion(root: string, version: string): void {
  if (!SEMVER.test(version)) throw new Error(`not a semantic version: ${version}`);
  const p = paths(root);
  const pkgText = readFileSync(p.pkg, "utf8");
  writeFileSync(p.pkg, pkgText.replace(/^(\s*"version":\s*)"[^"]*"/m, `$1"${version}"`));
  const lock = JSON.parse(readFileSync(p.lock, "utf8")) as {
    version: string;
    packages: Record<string, { version?: string }>;
  };
  lock.version = version;
  if (lock.packages[""] !== undefined) lock.packages[""].version = version;
  writeFileSync(p.lock, `${JSON.stringify(lock, null, 2)}\n`);
  const chart = readFileSync(p.chart, "utf8")
    .replace(/^version:.*$/m, `version: ${version}`)
    .replace(/^appVersion:.*$/m, `appVersion: "${version}"`);
  writeFileSync(p.chart, chart);
}

/** What disagrees with tag `vX.Y.Z`; empty when the release may go ahead. */
export function releaseProblems(root: string, tag: string): string[] {
  if (!/^v/.test(tag) || !SEMVER.test(tag.slice(1))) return [`tag ${tag} is not v<semantic version>`];
  const version = tag.slice(1);
  const found = readVersions(root, version);
  const problems: string[] = [];
  const expect = (what: string, value: string): void => {
    if (value !== version) problems.push(`${what} is ${value}, the tag says ${version}`);
  };
  expect("package.json version", found.packageVersion);
  expect("package-lock.json version", found.lockVersion);
  expect("Chart.yaml version", found.chartVersion);
  expect("Chart.yaml appVersion", found.chartAppVersion);
  if (!found.changelogHasSection) problems.push(`CHANGELOG.md has no "## [${version}]" section`);
  return problems;
}

async function main(argv: string[]): Promise<number> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const [command, value] = argv;
  if (command === "set" && value !== undefined) {
    setVersion(root, value);
    // The install manifest carries the chart version in its labels; regenerate it with the real helm.
    const { installManifestPath, renderInstallManifest } = await import("./install-manifest.js");
    writeFileSync(installManifestPath, renderInstallManifest());
    process.stdout.write(
      `version ${value} in package.json, package-lock.json, Chart.yaml; dist/install.yaml rewritten\n`,
    );
    if (!readVersions(root, value).changelogHasSection) {
      process.stdout.write(
        `add a "## [${value}] - <date>" section to CHANGELOG.md before tagging v${value}\n`,
      );
    }
    return 0;
  }
  if (command === "check" && value !== undefined) {
    const problems = releaseProblems(root, value);
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    if (problems.length === 0) process.stdout.write(`${value}: versions and CHANGELOG agree\n`);
    return problems.length === 0 ? 0 : 1;
  }
  process.stderr.write("usage: tsx tools/release-version.ts set X.Y.Z | check vX.Y.Z\n");
  return 2;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
