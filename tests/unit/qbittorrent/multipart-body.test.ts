// The hand-made multipart/form-data body for /torrents/add must be what a standard encoder makes of the
// same form: checked by parsing it back with the WHATWG Response parser (undici), fields and file bytes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeMultipart } from "../../../operator/clients/qbittorrent/multipart-body.js";

test("fields and a .torrent file parse back exactly, with the filename and content type", async () => {
  const bytes = Buffer.from([0x64, 0x38, 0x3a, 0x00, 0xff, 0x0d, 0x0a, 0x65]);
  const encoded = encodeMultipart([
    { name: "urls", value: "magnet:?xt=urn:btih:aaa\nmagnet:?xt=urn:btih:bbb" },
    {
      name: "torrents",
      filename: 'a "quoted"\nname.torrent',
      contentType: "application/x-bittorrent",
      bytes,
    },
    { name: "tags", value: "mediaplane,é" },
  ]);
  assert.match(encoded.contentType, /^multipart\/form-data; boundary=-{4}mediaplane[0-9a-f]{24}$/);
  const form = await new Response(encoded.body, {
    headers: { "Content-Type": encoded.contentType },
  }).formData();
  assert.equal(form.get("urls"), "magnet:?xt=urn:btih:aaa\nmagnet:?xt=urn:btih:bbb");
  assert.equal(form.get("tags"), "mediaplane,é");
  const file = form.get("torrents");
  assert.ok(file instanceof Blob);
  assert.equal((file as File).name, 'a "quoted"\nname.torrent', "escaped on the wire, decoded by the parser");
  assert.equal(file.type, "application/x-bittorrent");
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), bytes);
});

test("two encodings use different boundaries", () => {
  const a = encodeMultipart([{ name: "x", value: "1" }]);
  const b = encodeMultipart([{ name: "x", value: "1" }]);
  assert.notEqual(a.contentType, b.contentType);
});
