// Many informers failing together must read as one line per retry round naming the server and the
// cause; a different cause gets its own line; a recovery starts over.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it, mock } from "node:test";
import winston from "winston";
import { KubeApiError } from "../../../operator/framework/kube-api.js";
import { WatchFailureDigest, failureCause } from "../../../operator/framework/watch-failure-digest.js";

function recordingLog(): { log: winston.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _encoding, done) {
      lines.push(info);
      done();
    },
  });
  return {
    log: winston.createLogger({ transports: [new winston.transports.Stream({ stream: sink })] }),
    lines,
  };
}

const refused = Object.assign(new Error("request to https://10.0.0.1:6443/api/v1/pods failed"), {
  code: "ECONNREFUSED",
});

describe("WatchFailureDigest", () => {
  it("writes one line for a round of failures, then waits out the retry before the next", () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"] });
    try {
      const { log, lines } = recordingLog();
      const digest = new WatchFailureDigest(log, "https://10.0.0.1:6443", () => Date.now());
      const kinds = ["pods", "services", "secrets", "torrents", "mediastacks"];
      for (const kind of kinds) digest.report(kind, refused, 4_000);
      mock.timers.tick(300);
      assert.equal(lines.length, 1);
      assert.deepEqual(
        { server: lines[0]?.["server"], cause: lines[0]?.["cause"], watches: lines[0]?.["watches"] },
        { server: "https://10.0.0.1:6443", cause: "ECONNREFUSED", watches: 5 },
      );
      // The next round: its failures trickle in, and are written once its retry delay has passed.
      mock.timers.tick(1_000);
      for (const kind of kinds) digest.report(kind, refused, 8_000);
      mock.timers.tick(1_000);
      assert.equal(lines.length, 1, "no line in the middle of a round");
      mock.timers.tick(3_000);
      assert.equal(lines.length, 2);
      assert.equal(lines[1]?.["watches"], 5);
    } finally {
      mock.timers.reset();
    }
  });

  it("gives another cause its own line, and starts over after a recovery", () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"] });
    try {
      const { log, lines } = recordingLog();
      const digest = new WatchFailureDigest(log, "https://api", () => Date.now());
      digest.report("pods", refused, 60_000);
      digest.report("secrets", new KubeApiError(403, "Forbidden", "secrets is forbidden"), 60_000);
      mock.timers.tick(300);
      assert.deepEqual(lines.map((line) => line["cause"]).sort(), ["ECONNREFUSED", "HTTP 403 Forbidden"]);
      digest.recovered();
      digest.report("pods", refused, 500);
      mock.timers.tick(300);
      assert.equal(lines.length, 3, "a new outage is told at once");
    } finally {
      mock.timers.reset();
    }
  });

  it("names causes without the URLs in their messages", () => {
    assert.equal(
      failureCause(new Error("socket hang up at https://10.0.0.1:6443/apis/x")),
      "socket hang up at <url>",
    );
  });
});
