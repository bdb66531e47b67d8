// The WebUI URL the client talks to: credentials in it are dropped and never echoed in an error, and
// only http(s) is accepted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseWebuiUrl } from "../../../operator/clients/qbittorrent/session.js";

describe("parseWebuiUrl", () => {
  it("drops user:password@, query and fragment but keeps a reverse-proxy path", () => {
    assert.equal(
      parseWebuiUrl("http://admin:hunter2@qbt.media:8080/qbt/?x=1#y").toString(),
      "http://qbt.media:8080/qbt/",
    );
  });

  it("refuses what is not an absolute http(s) URL without repeating it", () => {
    assert.throws(
      () => parseWebuiUrl("qbt:hunter2@nowhere"),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.ok(!error.message.includes("hunter2"));
        return true;
      },
    );
    assert.throws(
      () => parseWebuiUrl("not a url hunter2"),
      (error: unknown) => {
        assert.ok(error instanceof TypeError && !error.message.includes("hunter2"));
        return true;
      },
    );
    assert.throws(() => parseWebuiUrl("ftp://qbt.media/"), /must be http or https/);
  });
});
