// The informer's secondary index: objects are found under their current values only, a value
// function that throws files nothing, and removal leaves no empty buckets behind.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CacheIndex } from "../../../operator/framework/cache-index.js";

interface Item {
  hashes: string[];
  broken?: boolean;
}

const byHash = (item: Item): readonly string[] => {
  if (item.broken) throw new Error("unparsable");
  return item.hashes;
};

test("an object is found under each of its values, once, and moves when its values change", () => {
  const index = new CacheIndex(byHash);
  index.update("ns/a", { hashes: ["h1", "h2", "h1"] });
  index.update("ns/b", { hashes: ["h2"] });
  assert.deepEqual(index.keys("h1"), ["ns/a"]);
  assert.deepEqual(index.keys("h2").sort(), ["ns/a", "ns/b"]);
  index.update("ns/a", { hashes: ["h3"] });
  assert.deepEqual(index.keys("h1"), []);
  assert.deepEqual(index.keys("h2"), ["ns/b"]);
  assert.deepEqual(index.keys("h3"), ["ns/a"]);
});

test("removing an object and a value function that throws leave it under no value", () => {
  const index = new CacheIndex(byHash);
  index.update("ns/a", { hashes: ["h1"] });
  index.update("ns/a", { hashes: ["h1"], broken: true });
  assert.deepEqual(index.keys("h1"), []);
  index.update("ns/b", { hashes: ["h1"] });
  index.remove("ns/b");
  index.remove("ns/never-filed");
  assert.deepEqual(index.keys("h1"), []);
});
