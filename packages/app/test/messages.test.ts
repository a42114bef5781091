import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { CloseCode, parseClientMessage } from "../src/server/messages.js";
import { isOwnOrigin, ownHostnames } from "../src/server/origin.js";
import { TokenBucket } from "../src/server/rate-limit.js";

const id = `checkbox-${"a".repeat(64)}`;
const parse = (value: unknown) => parseClientMessage(Buffer.from(typeof value === "string" ? value : JSON.stringify(value)), false);

describe("messages from the page", () => {
  test("well-formed messages parse", () => {
    assert.deepEqual(parse({ type: "rerun" }), { ok: true, message: { type: "rerun" } });
    assert.deepEqual(parse({ type: "widget", id, value: true }), { ok: true, message: { type: "widget", id, value: true } });
    assert.deepEqual(parse({ type: "widget", id, value: null }), { ok: true, message: { type: "widget", id, value: null } });
  });

  test("anything else is refused with a close code", () => {
    const refused = (value: unknown, code: number = CloseCode.invalid) => {
      const r = parse(value);
      assert.equal(r.ok, false, JSON.stringify(value));
      assert.equal(!r.ok && r.code, code);
    };
    refused("{not json");
    refused("[1,2]");
    refused({ type: "hack" });
    refused({ type: "rerun", extra: 1 });
    refused({ type: "widget", id: "../../etc", value: 1 });
    refused({ type: "widget", id, value: { toString: "x" } });
    refused({ type: "widget", id, value: [1] });
    // Files are uploaded over HTTP, never sent as messages.
    refused({ type: "widget", id, value: { name: "a.txt", type: "text/plain", size: 1, base64: "YQ==" } });
    refused({ type: "widget", id });
    refused({ type: "widget", id, value: 1, more: 2 });
    const binary = parseClientMessage(Buffer.from([1, 2, 3]), true);
    assert.equal(!binary.ok && binary.code, CloseCode.unsupported);
  });
});

describe("origin check", () => {
  const names = ownHostnames("127.0.0.1");
  test("the app's own page, as localhost or 127.0.0.1, on the same port", () => {
    assert.equal(isOwnOrigin("http://localhost:8501", 8501, names), true);
    assert.equal(isOwnOrigin("http://127.0.0.1:8501", 8501, names), true);
  });
  test("other sites, ports, schemes and missing origins are refused", () => {
    assert.equal(isOwnOrigin("http://evil.example:8501", 8501, names), false);
    assert.equal(isOwnOrigin("http://localhost:9999", 8501, names), false);
    assert.equal(isOwnOrigin("https://localhost:8501", 8501, names), false);
    assert.equal(isOwnOrigin(undefined, 8501, names), false);
    assert.equal(isOwnOrigin("null", 8501, names), false);
    assert.equal(isOwnOrigin("http://localhost.evil.example:8501", 8501, names), false);
  });
  test("extra origins can be allowed explicitly", () => {
    assert.equal(isOwnOrigin("https://app.example.com", 8501, names, new Set(["https://app.example.com"])), true);
  });
});

test("token bucket: a burst, then the refill rate", () => {
  let now = 0;
  const bucket = new TokenBucket(3, 2, () => now);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false]);
  now = 500; // one token back at 2 per second
  assert.deepEqual([bucket.take(), bucket.take()], [true, false]);
});
