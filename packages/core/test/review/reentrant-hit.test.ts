/**
 * Callbacks that run during a hit — a sync `validate`, a `hit` or `computed` event listener — may
 * call back into the cache. Whatever they do, the call returns a live value or computes one:
 * never `undefined`, never a value already released, and no removed entry is ever put back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, type CacheEvent } from "../../src/index.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

class Res {
  closed = false;
  constructor(readonly key: string) {}
}

/** Subscribes for one test body; always unsubscribes. */
async function withListener(listener: (event: CacheEvent) => void, body: () => unknown): Promise<void> {
  const unsubscribe = cacheResource.events.subscribe(listener);
  try {
    await body();
  } finally {
    unsubscribe();
  }
}

function assertLive(value: unknown, key: string): void {
  assert.ok(value instanceof Res, `a value, not ${String(value)}`);
  assert.equal(value.key, key);
  assert.equal(value.closed, false, "never a released value");
}

test("a sync validate that evicts its own entry (maxEntries: 1) does not poison the key", async () => {
  let busy = false;
  const h = cacheResource((k: string) => new Res(k), {
    name: unique("poison"),
    maxEntries: 1,
    onRelease: (v) => void (v.closed = true),
    validate: (_v, k) => {
      if (k === "x" && !busy) {
        busy = true;
        h("y");
        busy = false;
      }
      return true;
    },
  });
  assertLive(h("x"), "x");
  assertLive(h("x"), "x"); // validate computes "y", which evicts "x"
  assertLive(h("x"), "x");
  assert.equal(h.stats().entries, 1);
  await h.clear("x");
  assertLive(h("x"), "x");
  await h.clear();
  assertLive(h("x"), "x");
  await cacheResource.clear();
  assertLive(h("x"), "x");
  assert.equal(h.stats().entries, 1, "stats agree with what is stored");
});

test("a sync validate that clears the function: the call computes a new value", () => {
  let clearing = false;
  const h = cacheResource((k: string) => new Res(k), {
    name: unique("validate-clear"),
    onRelease: (v) => void (v.closed = true),
    validate: () => {
      if (clearing) void h.clear();
      return true;
    },
  });
  const first = h("x");
  clearing = true;
  const second = h("x");
  clearing = false;
  assertLive(second, "x");
  assert.notEqual(second, first);
  assert.equal(first.closed, true);
  assert.equal(h("x"), second, "the new value is stored");
});

test("an async validate that clears the function: the call gets a new value", async () => {
  let clearing = false;
  const h = cacheResource(async (k: string) => new Res(k), {
    name: unique("validate-clear-async"),
    onRelease: (v) => void (v.closed = true),
    validate: () => {
      if (clearing) void h.clear();
      return true;
    },
  });
  const first = await h("x");
  clearing = true;
  const second = await h("x");
  clearing = false;
  assertLive(second, "x");
  assert.notEqual(second, first);
});

for (const [label, make] of [
  ["one argument (remembered hits)", () => ({ fn: cacheResource((k: string) => new Res(k), opts("one")), call: (f: (k: string) => Res) => f("x") })],
  ["one argument with maxEntries", () => ({ fn: cacheResource((k: string) => new Res(k), { ...opts("lru"), maxEntries: 2 }), call: (f: (k: string) => Res) => f("x") })],
  ["one argument with validate", () => ({ fn: cacheResource((k: string) => new Res(k), { ...opts("val"), validate: () => true }), call: (f: (k: string) => Res) => f("x") })],
  ["two arguments", () => ({ fn: cacheResource((k: string, _n?: number) => new Res(k), opts("two")), call: (f: (k: string, n?: number) => Res) => f("x", 1) })],
  ["no arguments", () => ({ fn: cacheResource(() => new Res("x"), opts("none")), call: (f: () => Res) => f() })],
] as const) {
  test(`a hit listener that clears the function: the call computes a new value (${label})`, async () => {
    const { fn, call } = make() as { fn: { (...args: never[]): Res; clear(): Promise<void>; stats(): { entries: number } }; call: (f: never) => Res };
    const first = call(fn as never);
    call(fn as never); // a hit, remembered where the fast paths remember
    let clearing = true;
    await withListener(
      (event) => {
        if (event.type === "hit" && event.functionName === fn.name && clearing) {
          clearing = false;
          void fn.clear();
        }
      },
      () => {
        const second = call(fn as never);
        assertLive(second, "x");
        assert.notEqual(second, first);
        assert.equal(first.closed, true);
        assert.equal(call(fn as never), second, "the new value is stored");
        assert.equal(fn.stats().entries, 1);
      },
    );
  });
}

test("a computed listener that clears the function: the miss does not return its released value", async () => {
  const h = cacheResource((k: string) => new Res(k), opts("computed"));
  let clearing = true;
  await withListener(
    (event) => {
      if (event.type === "computed" && event.functionName === h.name && clearing) {
        clearing = false;
        void h.clear();
      }
    },
    () => {
      const value = h("x");
      assertLive(value, "x");
      assert.equal(h("x"), value);
    },
  );
});

test("a hit listener that clears an async function: the call resolves to a new value", async () => {
  const h = cacheResource(async (k: string) => new Res(k), opts("hit-async"));
  const first = await h("x");
  let clearing = true;
  await withListener(
    (event) => {
      if (event.type === "hit" && event.functionName === h.name && clearing) {
        clearing = false;
        void h.clear();
      }
    },
    async () => {
      const second = await h("x");
      assertLive(second, "x");
      assert.notEqual(second, first);
    },
  );
});

function opts(label: string) {
  return { name: unique(`hit-${label}`), onRelease: (v: Res) => void (v.closed = true) };
}
