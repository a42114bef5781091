import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidOptionError } from "cache-resource";
import { fleetId, joinFleet } from "../src/index.js";

const origin = (module: string, local = "getDb", name?: string) => ({ displayName: local, name, module, local });

test("fleet identity: the name option, else package name + path from the package root; the deploy directory does not matter", () => {
  const root = mkdtempSync(join(tmpdir(), "fleet-id-"));
  try {
    for (const deploy of ["srv/a", "opt/release-42"]) {
      mkdirSync(join(root, deploy, "app/lib"), { recursive: true });
      writeFileSync(join(root, deploy, "app/package.json"), JSON.stringify({ name: "shop" }));
    }
    const one = fleetId(origin(join(root, "srv/a/app/lib/db.ts")));
    const two = fleetId(origin(pathToFileURL(join(root, "opt/release-42/app/lib/db.ts")).href));
    assert.equal(one, "shop:lib/db.ts#getDb");
    assert.equal(two, one);
    assert.notEqual(fleetId(origin(join(root, "srv/a/app/lib/db.ts"), "getCache")), one);
    assert.equal(fleetId(origin(join(root, "srv/a/app/lib/db.ts"), "getDb", "primary-db")), "name:primary-db");
    assert.equal(fleetId(origin("<unknown>")), "<unknown>#getDb");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("bad options are refused with what is accepted", async () => {
  const bad: [object, RegExp][] = [
    [{ url: "http://127.0.0.1:6379" }, /redis:\/\/ or rediss:\/\//],
    [{ url: "redis://127.0.0.1:6379", name: "" }, /non-empty/],
    [{ url: "redis://127.0.0.1:6379", timeout: "100" }, /no unit|unit/],
    [{ url: "redis://127.0.0.1:6379", timeout: 0 }, /positive/],
    [{ url: "redis://127.0.0.1:6379", maxLength: 0 }, /positive whole number/],
    [{ url: "redis://127.0.0.1:6379", secret: "short" }, /at least 16 characters/],
    [{ url: "redis://127.0.0.1:6379", secret: 1234567890123456 }, /at least 16 characters/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(joinFleet(options as never), (error: unknown) => error instanceof InvalidOptionError && message.test(error.message));
  }
});

test("a refused secret is never echoed in the error", async () => {
  const secret = "too-short-secret"[0]!.repeat(10);
  await assert.rejects(joinFleet({ url: "redis://127.0.0.1:6379", secret }), (error: unknown) => error instanceof InvalidOptionError && !error.message.includes(secret));
});

