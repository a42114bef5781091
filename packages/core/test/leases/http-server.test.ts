/**
 * The README's "Leases and shutdown" server (examples/http-server.ts) under real concurrent HTTP
 * requests on loopback: a clear() during 100 in-flight requests lets every one of them finish on
 * the old pool, new requests get the new pool, and the old pool is ended once, after the last
 * request.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp, type Pool } from "../../examples/http-server.js";
import { deferred } from "../support/manual-clock.js";

const IN_FLIGHT = 100;

/** A stand-in for `pg.Pool`: queries wait for a gate; a query on an ended pool fails, as pg's do. */
class FakePool implements Pool {
  static made: FakePool[] = [];
  readonly id = FakePool.made.push(this);
  readonly gate = deferred();
  running = 0;
  finished = 0;
  /** `running` when `end()` was called, per call. */
  readonly endCalls: number[] = [];
  constructor(readonly url: string) {}

  async query(): Promise<{ rows: unknown[] }> {
    if (this.endCalls.length > 0) throw new Error(`pool ${this.id} has been ended`);
    this.running++;
    await this.gate.promise;
    this.running--;
    if (this.endCalls.length > 0) throw new Error(`pool ${this.id} was ended during the query`);
    this.finished++;
    return { rows: [{ pool: this.id }] };
  }

  async end(): Promise<void> {
    this.endCalls.push(this.running);
  }
}

function get(port: number, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/users", agent }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), what);
}

test("clear() during 100 in-flight requests: they finish on the old pool, new requests get the new pool, the old pool ends once after the last", { timeout: 60_000 }, async () => {
  const { server, rotate } = createApp((url) => new FakePool(url));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const inFlight = Array.from({ length: IN_FLIGHT }, () => get(port, agent));
    await until(() => FakePool.made[0]?.running === IN_FLIGHT, "100 requests are running queries on the first pool");
    const [oldPool] = FakePool.made as [FakePool];

    let rotated = false;
    const rotation = rotate().then(() => (rotated = true));

    // New requests get a new pool at once, while the old one is still in use.
    const fresh = Array.from({ length: 10 }, () => get(port, agent));
    await until(() => FakePool.made[1]?.running === 10, "new requests run on a second pool");
    const newPool = FakePool.made[1]!;
    newPool.gate.resolve();
    for (const response of await Promise.all(fresh)) assert.deepEqual(response, { status: 200, body: JSON.stringify([{ pool: 2 }]) });
    assert.deepEqual(oldPool.endCalls, [], "the old pool is not ended while its requests run");
    assert.equal(rotated, false, "clear() settles only after the old pool's release");

    // The in-flight requests finish on the old pool; only then is it ended, once.
    oldPool.gate.resolve();
    const responses = await Promise.all(inFlight);
    assert.equal(responses.filter((r) => r.status === 200 && r.body === JSON.stringify([{ pool: 1 }])).length, IN_FLIGHT, responses.find((r) => r.status !== 200)?.body);
    await rotation;
    assert.equal(oldPool.finished, IN_FLIGHT);
    assert.deepEqual(oldPool.endCalls, [0], "ended exactly once, with no query running");
    assert.deepEqual(newPool.endCalls, [], "the new pool stays");
    assert.equal(FakePool.made.length, 2);
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test("the README shows this server, verbatim", () => {
  const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("../../examples/http-server.ts", import.meta.url), "utf8").trim();
  assert.ok(readme.includes(example), "README.md's Leases and shutdown section must contain packages/core/examples/http-server.ts");
});
