// Keeps qBittorrent's session cookie (SID, or QBT_SID_<port> from 5.2) between requests: the cookies of
// one WebUI origin by name, with their expiry, instead of a general cookie jar (tough-cookie, 13 MiB).

interface StoredCookie {
  value: string;
  /** Epoch ms; undefined for a session cookie. */
  expiresAt: number | undefined;
}

export class SessionCookies {
  // An ECMAScript private field: JSON.stringify and util.inspect never show the session ID.
  readonly #cookies = new Map<string, StoredCookie>();

  /** Takes the answer's Set-Cookie lines; a malformed line is dropped, never a reason to fail. */
  store(setCookie: readonly string[] | string | undefined, now = Date.now()): void {
    const lines = setCookie === undefined ? [] : typeof setCookie === "string" ? [setCookie] : setCookie;
    for (const line of lines) {
      const [pair = "", ...attributes] = line.split(";");
      const equals = pair.indexOf("=");
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expiresAt = expiryOf(attributes, now);
      if (expiresAt !== undefined && expiresAt <= now) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, expiresAt });
    }
  }

  /** The Cookie header for the next request, or undefined when no cookie is live. */
  header(now = Date.now()): string | undefined {
    const live: string[] = [];
    for (const [name, cookie] of this.#cookies) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.#cookies.delete(name);
      else live.push(`${name}=${cookie.value}`);
    }
    return live.length === 0 ? undefined : live.join("; ");
  }

  clear(): void {
    this.#cookies.clear();
  }
}

/** RFC 6265 §5.2: Max-Age wins over Expires; an unparsable value is ignored. */
function expiryOf(attributes: readonly string[], now: number): number | undefined {
  let expires: number | undefined;
  for (const attribute of attributes) {
    const equals = attribute.indexOf("=");
    const key = (equals < 0 ? attribute : attribute.slice(0, equals)).trim().toLowerCase();
    const value = equals < 0 ? "" : attribute.slice(equals + 1).trim();
    if (key === "max-age" && /^-?\d+$/.test(value)) return now + Number(value) * 1000;
    if (key === "expires") {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) expires = at;
    }
  }
  return expires;
}
