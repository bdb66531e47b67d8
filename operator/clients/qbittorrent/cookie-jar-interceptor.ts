// Keeps qBittorrent's session cookie (SID, or QBT_SID_<port> in 5.2) between requests: a tough-cookie jar
// wired into axios by two interceptors (axios-cookiejar-support refuses the custom agents the client uses).

import type { AxiosInstance, InternalAxiosRequestConfig, AxiosResponse } from "axios";
import type { CookieJar } from "tough-cookie";

export function attachCookieJar(instance: AxiosInstance, jar: CookieJar): void {
  instance.interceptors.request.use(async (config: InternalAxiosRequestConfig) => {
    const cookie = await jar.getCookieString(instance.getUri(config));
    if (cookie !== "") config.headers.set("Cookie", cookie);
    // qBittorrent's CSRF check answers 401 to an Origin or Referer that does not match the Host.
    config.headers.delete("Origin");
    config.headers.delete("Referer");
    return config;
  });

  instance.interceptors.response.use(async (response: AxiosResponse) => {
    const setCookie: unknown = response.headers["set-cookie"];
    const cookies = Array.isArray(setCookie) ? setCookie : typeof setCookie === "string" ? [setCookie] : [];
    const url = instance.getUri(response.config);
    for (const cookie of cookies) {
      // ignoreError: a malformed cookie is dropped, never a reason to fail the request.
      await jar.setCookie(String(cookie), url, { ignoreError: true });
    }
    return response;
  });
}
