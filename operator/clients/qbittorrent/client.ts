// The Web API v2 calls mediaplane needs, for qBittorrent 4.1 to 5.2 (pause vs stop, Ok./Fails. vs JSON).
// Used by the maindata poller and the Torrent controller; login and typed errors live in the session.

import type {
  AddTorrentsRequest,
  AddTorrentsResult,
  MaindataResponse,
  QbittorrentCategory,
  QbittorrentTorrent,
  ShareLimits,
} from "./api-types.js";
import { interpretAddTorrentsAnswer } from "./add-torrents-answer.js";
import {
  QbittorrentProtocolError,
  QbittorrentRejectedError,
  describeResponseBody,
  rejectionReasonForStatus,
} from "./errors.js";
import type { LoginBackoff } from "./login-backoff.js";
import type { QbittorrentLogger } from "./logger.js";
import type { QbittorrentRequestObserver } from "./request-observer.js";
import type { MultipartPart } from "./multipart-body.js";
import { QbittorrentSession } from "./session.js";
import type { ApiAnswer, ApiRequest } from "./session.js";
import { addStoppedField, parseWebapiVersion, pauseEndpoint, resumeEndpoint } from "./webapi-version.js";
import type { WebapiVersion } from "./webapi-version.js";

export type { QbittorrentLogger } from "./logger.js";
export { silentQbittorrentLogger } from "./logger.js";

export interface QbittorrentClientOptions {
  url: string;
  username?: string;
  password?: string;
  /** qBittorrent 5.2+ API key; replaces the cookie login. */
  apiKey?: string;
  timeoutMs: number;
  logger?: QbittorrentLogger;
  /** Shared by every client of one qBittorrent (see PollerRegistry); a private one by default. */
  loginBackoff?: LoginBackoff;
  /** Told how every HTTP exchange ended (the operator's qBittorrent metrics). */
  observer?: QbittorrentRequestObserver;
}

/** Long hash lists are split so a GET query stays far below qBittorrent's request-size limits. */
const HASHES_PER_INFO_REQUEST = 150;

export class QbittorrentClient {
  private readonly session: QbittorrentSession;
  private cachedVersion: { generation: number; version: WebapiVersion } | undefined;

  constructor(options: QbittorrentClientOptions) {
    this.session = new QbittorrentSession(options);
  }

  /** The WebUI URL without credentials. */
  get url(): string {
    return this.session.displayUrl;
  }

  /** Logs in now; other calls log in on their own when needed. */
  async login(): Promise<void> {
    await this.session.login();
  }

  /** Web API version, asked once per login (a restart may have upgraded qBittorrent). */
  async webapiVersion(): Promise<WebapiVersion> {
    if (this.cachedVersion !== undefined && this.cachedVersion.generation === this.session.generation) {
      return this.cachedVersion.version;
    }
    const answer = await this.call({ method: "GET", endpoint: "app/webapiVersion" });
    const version = parseWebapiVersion(answer.body);
    this.cachedVersion = { generation: this.session.generation, version };
    return version;
  }

  /** The application version, e.g. "v4.5.2". */
  async appVersion(): Promise<string> {
    const answer = await this.call({ method: "GET", endpoint: "app/version" });
    return answer.body.trim();
  }

  /** Adds every URL and file in ONE multipart request. See AddTorrentsResult for what the answer proves. */
  async addTorrents(request: AddTorrentsRequest): Promise<AddTorrentsResult> {
    const version = await this.webapiVersion();
    const form: MultipartPart[] = [];
    const field = (name: string, value: string): void => void form.push({ name, value });
    const urls = request.urls ?? [];
    if (urls.length > 0) field("urls", urls.join("\n"));
    for (const file of request.torrentFiles ?? []) {
      form.push({
        name: "torrents",
        filename: file.filename,
        contentType: "application/x-bittorrent",
        bytes: Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength),
      });
    }
    if (request.savepath !== undefined) field("savepath", request.savepath);
    if (request.category !== undefined) field("category", request.category);
    if (request.tags !== undefined && request.tags.length > 0) field("tags", request.tags.join(","));
    if (request.paused !== undefined) field(addStoppedField(version), String(request.paused));
    if (request.upLimit !== undefined) field("upLimit", String(request.upLimit));
    if (request.dlLimit !== undefined) field("dlLimit", String(request.dlLimit));

    const answer = await this.session.send({ method: "POST", endpoint: "torrents/add", multipart: form });
    return interpretAddTorrentsAnswer(answer.status, answer.body);
  }

  /**
   * Torrents by qBittorrent hash (case-insensitive); all torrents when `hashes` is undefined, none for [].
   * Unknown hashes are simply absent from the result.
   */
  async torrentsInfo(hashes?: readonly string[]): Promise<QbittorrentTorrent[]> {
    if (hashes === undefined) return this.infoRequest(undefined);
    const unique = [...new Set(hashes.map((hash) => hash.toLowerCase()))];
    const results: QbittorrentTorrent[] = [];
    for (let start = 0; start < unique.length; start += HASHES_PER_INFO_REQUEST) {
      results.push(...(await this.infoRequest(unique.slice(start, start + HASHES_PER_INFO_REQUEST))));
    }
    return results;
  }

  /** Deletes torrents; unknown hashes succeed, so a delete is safe to repeat. */
  async deleteTorrents(hashes: readonly string[], deleteFiles: boolean): Promise<void> {
    if (hashes.length === 0) return;
    await this.post("torrents/delete", { hashes: joinHashes(hashes), deleteFiles: String(deleteFiles) });
  }

  /** /torrents/pause before Web API 2.11 (qBittorrent 5.0), /torrents/stop from then on. */
  async pause(hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    await this.post(pauseEndpoint(await this.webapiVersion()), { hashes: joinHashes(hashes) });
  }

  /** /torrents/resume before Web API 2.11 (qBittorrent 5.0), /torrents/start from then on. */
  async resume(hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    await this.post(resumeEndpoint(await this.webapiVersion()), { hashes: joinHashes(hashes) });
  }

  async setShareLimits(hashes: readonly string[], limits: ShareLimits): Promise<void> {
    if (hashes.length === 0) return;
    await this.post("torrents/setShareLimits", shareLimitsForm(hashes, limits));
  }

  /** Per-torrent upload limit in bytes/s; 0 removes it. */
  async setUploadLimit(hashes: readonly string[], bytesPerSecond: number): Promise<void> {
    if (hashes.length === 0) return;
    await this.post("torrents/setUploadLimit", { hashes: joinHashes(hashes), limit: String(bytesPerSecond) });
  }

  /** Per-torrent download limit in bytes/s; 0 removes it. */
  async setDownloadLimit(hashes: readonly string[], bytesPerSecond: number): Promise<void> {
    if (hashes.length === 0) return;
    await this.post("torrents/setDownloadLimit", {
      hashes: joinHashes(hashes),
      limit: String(bytesPerSecond),
    });
  }

  async addTags(hashes: readonly string[], tags: readonly string[]): Promise<void> {
    if (hashes.length === 0 || tags.length === 0) return;
    await this.post("torrents/addTags", { hashes: joinHashes(hashes), tags: tags.join(",") });
  }

  async removeTags(hashes: readonly string[], tags: readonly string[]): Promise<void> {
    if (hashes.length === 0 || tags.length === 0) return;
    await this.post("torrents/removeTags", { hashes: joinHashes(hashes), tags: tags.join(",") });
  }

  /** Sets the category ("" removes it); qBittorrent answers 409 for a category that does not exist. */
  async setCategory(hashes: readonly string[], category: string): Promise<void> {
    if (hashes.length === 0) return;
    await this.post("torrents/setCategory", { hashes: joinHashes(hashes), category });
  }

  /** Creates a category; one that already exists (409) counts as success. */
  async createCategory(name: string, savePath: string): Promise<"created" | "exists"> {
    const answer = await this.session.send({
      method: "POST",
      endpoint: "torrents/createCategory",
      form: { category: name, savePath },
    });
    if (answer.status === 409) return "exists";
    this.expectSuccess({ method: "POST", endpoint: "torrents/createCategory" }, answer);
    return "created";
  }

  /** Every category with its save path, keyed by name (`GET torrents/categories`). */
  async categories(): Promise<Record<string, QbittorrentCategory>> {
    const answer = await this.call({ method: "GET", endpoint: "torrents/categories" });
    const parsed = parseJson(answer, "torrents/categories");
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new QbittorrentProtocolError("qBittorrent's torrents/categories answer is not an object", {
        endpoint: "torrents/categories",
        status: answer.status,
      });
    }
    return parsed as Record<string, QbittorrentCategory>;
  }

  /** Changes an existing category's save path. */
  async editCategory(name: string, savePath: string): Promise<void> {
    await this.post("torrents/editCategory", { category: name, savePath });
  }

  /** One incremental sync step: rid 0 (or an unknown rid) gives a full update. */
  async syncMaindata(rid: number): Promise<MaindataResponse> {
    const answer = await this.call({ method: "GET", endpoint: "sync/maindata", query: { rid: String(rid) } });
    const parsed = parseJson(answer, "sync/maindata");
    if (
      typeof parsed !== "object" ||
      parsed === null ||
      typeof (parsed as { rid?: unknown }).rid !== "number"
    ) {
      throw new QbittorrentProtocolError("qBittorrent's sync/maindata answer has no numeric rid", {
        endpoint: "sync/maindata",
        status: answer.status,
      });
    }
    return parsed as MaindataResponse;
  }

  /** Releases idle keep-alive sockets (call when the client is no longer used). */
  close(): void {
    this.session.close();
  }

  private async infoRequest(hashes: string[] | undefined): Promise<QbittorrentTorrent[]> {
    const query = hashes === undefined ? undefined : { hashes: joinHashes(hashes) };
    const answer = await this.call({ method: "GET", endpoint: "torrents/info", query });
    const parsed = parseJson(answer, "torrents/info");
    if (!Array.isArray(parsed)) {
      throw new QbittorrentProtocolError("qBittorrent's torrents/info answer is not a list", {
        endpoint: "torrents/info",
        status: answer.status,
      });
    }
    return parsed as QbittorrentTorrent[];
  }

  private async post(endpoint: string, form: Record<string, string>): Promise<ApiAnswer> {
    return this.call({ method: "POST", endpoint, form });
  }

  private async call(request: ApiRequest): Promise<ApiAnswer> {
    const answer = await this.session.send(request);
    this.expectSuccess(request, answer);
    return answer;
  }

  private expectSuccess(request: Pick<ApiRequest, "method" | "endpoint">, answer: ApiAnswer): void {
    if (answer.status === 200 || answer.status === 204) return;
    if (answer.status >= 300 && answer.status < 400) {
      throw new QbittorrentProtocolError(
        `qBittorrent answered ${request.endpoint} with a redirect (${answer.status}); is the URL the WebUI's?`,
        { endpoint: request.endpoint, status: answer.status },
      );
    }
    throw new QbittorrentRejectedError(
      `qBittorrent refused ${request.method} ${request.endpoint} with ${answer.status}: ${describeResponseBody(answer.body)}`,
      rejectionReasonForStatus(answer.status),
      { endpoint: request.endpoint, status: answer.status },
    );
  }
}

/**
 * The setShareLimits form for every version: 5.3 answers 400 ("Missing required parameters:
 * shareLimitAction, shareLimitsMode") without the last two, and older versions ignore them. "Default"
 * keeps qBittorrent's global action and mode, as -2 keeps its global limits.
 */
export function shareLimitsForm(hashes: readonly string[], limits: ShareLimits): Record<string, string> {
  return {
    hashes: joinHashes(hashes),
    ratioLimit: String(limits.ratioLimit),
    seedingTimeLimit: String(limits.seedingTimeLimit),
    inactiveSeedingTimeLimit: String(limits.inactiveSeedingTimeLimit ?? -2),
    shareLimitAction: "Default",
    shareLimitsMode: "Default",
  };
}

function joinHashes(hashes: readonly string[]): string {
  return hashes.map((hash) => hash.toLowerCase()).join("|");
}

function parseJson(answer: ApiAnswer, endpoint: string): unknown {
  try {
    return JSON.parse(answer.body);
  } catch {
    throw new QbittorrentProtocolError(`qBittorrent answered ${endpoint} with invalid JSON`, {
      endpoint,
      status: answer.status,
    });
  }
}
