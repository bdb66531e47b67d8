// The qBittorrent link: categories tv and movies with save paths under /data/torrents, created or
// corrected on the stack's qBittorrent; other categories are the user's and never touched.
import { qbittorrentCategories } from "./desired-entries.js";
import { LinkFailure, failureOutcome } from "./link-outcome.js";
import type { StepResult, WiringEnvironment } from "./wiring-environment.js";

export async function wireQbittorrentCategories(env: WiringEnvironment): Promise<StepResult> {
  const client = env.qbittorrent();
  try {
    const existing = await client.categories();
    const changed: string[] = [];
    for (const category of qbittorrentCategories) {
      const current = existing[category.name];
      if (current === undefined) {
        await client.createCategory(category.name, category.savePath);
        changed.push(`${category.name} created`);
      } else if (current.savePath.replace(/\/+$/, "") !== category.savePath) {
        await client.editCategory(category.name, category.savePath);
        changed.push(`${category.name} save path corrected`);
      }
    }
    const names = qbittorrentCategories.map((category) => category.name).join(", ");
    return {
      message: changed.length > 0 ? `categories ${changed.join(", ")}` : `categories ${names} present`,
    };
  } catch (error) {
    const { reason, message } = failureOutcome(error, "qbittorrent", "QbittorrentLoginFailed");
    throw new LinkFailure(reason, message);
  } finally {
    client.close();
  }
}
