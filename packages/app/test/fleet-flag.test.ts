import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, UsageError } from "../src/bin/args.js";
import { FLEET_PACKAGE, FLEET_SECRET_ENV, joinAppFleet } from "../src/bin/fleet.js";

test("cli: --fleet takes a Redis URL, --fleet-name a name (and needs --fleet)", () => {
  const command = parseArgs(["run", "app.ts", "--fleet", "redis://127.0.0.1:6379", "--fleet-name=shop"]);
  assert.deepEqual(command.kind === "run" && command.fleet, { url: "redis://127.0.0.1:6379", name: "shop" });
  const tls = parseArgs(["run", "app.ts", "--fleet=rediss://user:pw@redis.internal:6380/1"]);
  assert.deepEqual(tls.kind === "run" && tls.fleet, { url: "rediss://user:pw@redis.internal:6380/1" });
  assert.equal(parseArgs(["run", "app.ts"]).kind === "run" && "fleet" in parseArgs(["run", "app.ts"]), false);
  assert.throws(() => parseArgs(["run", "app.ts", "--fleet", "http://127.0.0.1:6379"]), (e) => e instanceof UsageError && /redis:\/\/127\.0\.0\.1:6379/.test(e.message));
  assert.throws(() => parseArgs(["run", "app.ts", "--fleet"]), /--fleet needs a value/);
  assert.throws(() => parseArgs(["run", "app.ts", "--fleet-name", "shop"]), /--fleet-name needs --fleet/);
});

test("cli: --fleet without @cache-resource/redis installed says how to install it", async () => {
  const missing = Object.assign(new Error(`Cannot find package '${FLEET_PACKAGE}' imported from /app/cli.js`), { code: "ERR_MODULE_NOT_FOUND" });
  await assert.rejects(
    joinAppFleet("redis://127.0.0.1:6379", undefined, () => Promise.reject(missing)),
    (e) => e instanceof UsageError && e.message.includes(`npm install ${FLEET_PACKAGE}`),
  );
  // Any other failure while loading it is not hidden behind that advice.
  const broken = new SyntaxError("Unexpected token");
  await assert.rejects(joinAppFleet("redis://127.0.0.1:6379", undefined, () => Promise.reject(broken)), (e) => e === broken);
});

test("cli: --fleet joins with the URL and name given", async () => {
  const joined: unknown[] = [];
  const fake = { joinFleet: async (options: unknown) => (joined.push(options), { memberId: "m", name: "shop", leave: async () => {} }) };
  const fleet = await joinAppFleet("redis://127.0.0.1:6379", "shop", async (specifier) => (assert.equal(specifier, FLEET_PACKAGE), fake), {});
  assert.equal(fleet.name, "shop");
  assert.deepEqual(joined, [{ url: "redis://127.0.0.1:6379", name: "shop" }]);
});

test("cli: the fleet secret comes from CACHE_RESOURCE_FLEET_SECRET, never from a flag", async () => {
  const joined: unknown[] = [];
  const fake = { joinFleet: async (options: unknown) => (joined.push(options), { memberId: "m", name: "shop", leave: async () => {} }) };
  await joinAppFleet("redis://127.0.0.1:6379", undefined, async () => fake, { [FLEET_SECRET_ENV]: "0123456789abcdef" });
  await joinAppFleet("redis://127.0.0.1:6379", undefined, async () => fake, { [FLEET_SECRET_ENV]: "" });
  assert.deepEqual(joined, [{ url: "redis://127.0.0.1:6379", secret: "0123456789abcdef" }, { url: "redis://127.0.0.1:6379" }]);
});
