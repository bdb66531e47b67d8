// The qbittorrent-nox versions the integration tests run against: the host's (Debian bookworm, 4.5.2)
// and chroots of trixie (5.1.x) and sid (5.3.x). The runner prepares them once; test files loop over them.
import {
  cachedQbittorrentRootfs,
  ensureQbittorrentRootfs,
  RootfsUnavailableError,
} from "./qbittorrent-rootfs.js";
import type { RootfsSuite } from "./qbittorrent-rootfs.js";
import { qbittorrentNoxVersion } from "./qbittorrent.js";

export type QbittorrentSuite = "host" | RootfsSuite;

export interface QbittorrentTarget {
  /** "host" runs the qbittorrent-nox on PATH; the others run it inside their Debian rootfs. */
  readonly suite: QbittorrentSuite;
  /** The rootfs to chroot into; undefined for the host. */
  readonly rootfs?: string;
  /** What the binary reports, e.g. "5.3.0"; undefined when unavailable. */
  readonly version?: string;
  /** Why this target cannot run here (only outside CI; in CI the runner fails instead). */
  readonly unavailable?: string;
}

/** Set by tests/run-tests.ts for the test processes: JSON of QbittorrentTarget[]. */
export const qbittorrentTargetsEnv = "MEDIAPLANE_TEST_QBITTORRENTS";
/** Optional comma list that narrows the suites, e.g. "host" or "host,sid" (default: all three). */
export const qbittorrentSuitesEnv = "MEDIAPLANE_QBITTORRENT_SUITES";

const rootfsSuites: readonly RootfsSuite[] = ["trixie", "sid"];

function selectedSuites(): QbittorrentSuite[] {
  const wanted = process.env[qbittorrentSuitesEnv];
  const all: QbittorrentSuite[] = ["host", ...rootfsSuites];
  if (wanted === undefined || wanted.trim() === "") return all;
  const names = wanted.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!all.includes(name as QbittorrentSuite)) {
      throw new Error(`${qbittorrentSuitesEnv}: unknown suite "${name}" (known: ${all.join(", ")})`);
    }
  }
  return all.filter((suite) => names.includes(suite));
}

export interface PreparedTargets {
  readonly targets: QbittorrentTarget[];
  /** One line per rootfs built or unavailable, for the runner to print. */
  readonly notes: string[];
}

/**
 * Builds the missing root filesystems (in parallel) and returns every selected target. With `strict`
 * (CI=true) a rootfs that cannot be built throws its one-line RootfsUnavailableError; otherwise the
 * target is returned as unavailable and its tests are skipped with that reason.
 */
export async function prepareQbittorrentTargets(options: { strict: boolean }): Promise<PreparedTargets> {
  const notes: string[] = [];
  // allSettled: a failed suite must not leave the other's debootstrap running behind the exiting runner.
  const settled = await Promise.allSettled(
    selectedSuites().map(async (suite): Promise<QbittorrentTarget> => {
      if (suite === "host") return { suite, version: qbittorrentNoxVersion() };
      try {
        const rootfs = await ensureQbittorrentRootfs(suite);
        if (rootfs.builtInSeconds !== undefined) {
          notes.push(
            `built the ${suite} rootfs (qbittorrent-nox ${rootfs.packageVersion}) in ${rootfs.builtInSeconds.toFixed(0)} s: ${rootfs.dir}`,
          );
        }
        return { suite, rootfs: rootfs.dir, version: rootfs.qbittorrentVersion };
      } catch (error) {
        if (options.strict || !(error instanceof RootfsUnavailableError)) throw error;
        notes.push(`${error.message}; its qBittorrent tests are skipped (CI=true makes this fail the run)`);
        return { suite, unavailable: error.message };
      }
    }),
  );
  const failed = settled.find((result) => result.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  const targets = settled.map((result) => (result as PromiseFulfilledResult<QbittorrentTarget>).value);
  return { targets, notes };
}

/**
 * The targets of this run, as the runner prepared them; without the runner, the host plus whatever
 * rootfs is already cached (nothing is built from inside a test file).
 */
export function testedQbittorrents(): QbittorrentTarget[] {
  const fromRunner = process.env[qbittorrentTargetsEnv];
  if (fromRunner !== undefined && fromRunner !== "") return JSON.parse(fromRunner) as QbittorrentTarget[];
  return selectedSuites().map((suite): QbittorrentTarget => {
    if (suite === "host") return { suite, version: qbittorrentNoxVersion() };
    const rootfs = cachedQbittorrentRootfs(suite);
    return rootfs === undefined
      ? { suite, unavailable: `no cached ${suite} rootfs: run the tests through tests/run-tests.ts` }
      : { suite, rootfs: rootfs.dir, version: rootfs.qbittorrentVersion };
  });
}

/** "qBittorrent 5.3.0 (sid rootfs)", for describe() titles. */
export function targetTitle(target: QbittorrentTarget): string {
  const where = target.suite === "host" ? "host" : `${target.suite} rootfs`;
  return `qBittorrent ${target.version ?? "?"} (${where})`;
}
