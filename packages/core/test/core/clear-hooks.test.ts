import { test, describe, afterEach } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, runInSession, type ReleaseReason } from "../../src/index.js";
import { clearableFunctions, clearAllFromFleet, onClear, type ClearNotice } from "../../src/fleet.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

let stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops) stop();
  stops = [];
});

function listen(): ClearNotice[] {
  const heard: ClearNotice[] = [];
  stops.push(onClear((notice) => heard.push(notice)));
  return heard;
}

function tracked(options: { scope?: "global" | "session" } = {}) {
  const released: { arg: unknown; reason: ReleaseReason }[] = [];
  const name = unique("fn");
  const fn = cacheResource((arg?: unknown) => ({ arg }), {
    name,
    ...options,
    onRelease: (value, reason) => void released.push({ arg: value.arg, reason }),
  });
  const handle = () => clearableFunctions().find((f) => f.origin.name === name)!;
  return { fn, name, released, handle };
}

describe("clears heard by a fleet (onClear)", () => {
  test("one entry, one function and everything are announced, with the entry's key as text", async () => {
    const heard = listen();
    const { fn, name } = tracked();
    fn("a");
    await fn.clear("a");
    await fn.clear();
    await cacheResource.clear();
    assert.deepEqual(
      heard.map((n) => [n.scope, n.scope === "all" ? "" : n.origin.name, n.scope === "entry" ? n.key : ""]),
      [["entry", name, "sa"], ["function", name, ""], ["all", "", ""]],
    );
  });

  test("arguments known only by identity here clear the whole function; registered symbols and objects travel", async () => {
    const heard = listen();
    const { fn } = tracked();
    await fn.clear(Symbol("local"));
    await fn.clear({ nested: [Symbol("local")] });
    await fn.clear((() => 1).bind(null));
    await fn.clear(Symbol.for("shared"));
    await fn.clear({ region: "eu", sizes: [1, 2n], tag: Symbol.for("shared") });
    await fn.clear({ long: "x".repeat(5_000) }); // a digest key: checked on the full encoding
    await fn.clear({ long: "x".repeat(5_000), who: Symbol("local") });
    assert.deepEqual(heard.map((n) => n.scope), ["function", "function", "function", "entry", "entry", "entry", "function"]);
  });

  test("a session-scoped function cleared inside a session stays in this process; outside one it is announced", async () => {
    const heard = listen();
    const { fn } = tracked({ scope: "session" });
    await runInSession("tab-1", () => fn.clear());
    await fn.clear();
    assert.deepEqual(heard.map((n) => n.scope), ["function"]);
  });

  test("origins: the name option, else the module and the function's name", () => {
    const getThing = cacheResource(function getThing(id: string) {
      return { id };
    });
    const mine = clearableFunctions().filter((f) => f.origin.local === "getThing");
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.origin.name, undefined);
    assert.match(mine[0]!.origin.module, /clear-hooks\.test\.ts$/);
    void getThing;
  });
});

describe("clears applied from a fleet", () => {
  test("a key text from a notice releases that entry once, in every session, with reason clear; listeners do not hear it", async () => {
    const { fn, released, handle } = tracked();
    fn("a");
    fn("b");
    fn({ region: "eu" });
    fn();
    const heard = listen();
    await handle().clear("sa");
    await handle().clear("sa"); // nothing left to release
    await handle().clear("0"); // the no-argument call
    assert.deepEqual(released, [{ arg: "a", reason: "clear" }, { arg: undefined, reason: "clear" }]);
    assert.deepEqual(heard, []);
  });

  test("an object key sent by a notice finds the same entry", async () => {
    const heard = listen();
    const { fn, released, handle } = tracked();
    const value = fn({ region: "eu", n: 1 });
    await fn.clear({ n: 1, region: "eu" });
    const key = (heard[0] as { key: string }).key;
    released.length = 0;
    const again = fn({ region: "eu", n: 1 });
    assert.notEqual(again, value);
    await handle().clear(key);
    assert.deepEqual(released.map((r) => r.reason), ["clear"]);
  });

  test("the whole function: every session's entries; everything: reason clear-all", async () => {
    const { fn, released, handle } = tracked({ scope: "session" });
    runInSession("s1", () => fn("x"));
    runInSession("s2", () => fn("y"));
    const heard = listen();
    await runInSession("s1", () => handle().clear()); // applied in every session all the same
    assert.deepEqual(released.map((r) => r.arg).sort(), ["x", "y"]);
    runInSession("s1", () => fn("z"));
    await clearAllFromFleet();
    assert.deepEqual(released.map((r) => r.reason), ["clear", "clear", "clear-all"]);
    assert.deepEqual(heard, []);
  });
});
