// The arr-fakes image starts one fake per pod from the environment the MediaStack renders; this pins
// how serve-fake picks the app, so a pod never runs the wrong fake (or none) without saying why.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fakeAppFromEnv } from "../../fakes/serve-fake.js";

test("FAKE_APP names the app, and an unknown name is refused", () => {
  assert.equal(fakeAppFromEnv({ FAKE_APP: "radarr", SONARR__AUTH__APIKEY: "k" }), "radarr");
  assert.throws(() => fakeAppFromEnv({ FAKE_APP: "lidarr" }), /FAKE_APP=lidarr: expected one of/);
});

test("without FAKE_APP the one preset key, or Jellyfin's cache directory, decides", () => {
  assert.equal(fakeAppFromEnv({ PROWLARR__AUTH__APIKEY: "k" }), "prowlarr");
  assert.equal(fakeAppFromEnv({ JELLYFIN_CACHE_DIR: "/config/cache" }), "jellyfin");
  assert.throws(() => fakeAppFromEnv({}), /set FAKE_APP/);
  assert.throws(
    () => fakeAppFromEnv({ SONARR__AUTH__APIKEY: "k", RADARR__AUTH__APIKEY: "k" }),
    /set FAKE_APP/,
  );
});
