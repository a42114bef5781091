/**
 * Re-entrant callbacks: random sequences of calls where a callback that runs during a call — a
 * `validate`, a `hit` or `computed` event listener, an `onRelease` hook — calls back into the
 * cache: computes another key (which may evict the entry being served), clears one key, the
 * function, or everything. Whatever they do:
 * - every call returns a live value for its own arguments (never `undefined`, never a value that
 *   was already released), or computes one;
 * - no value is released twice, and `stats().entries` always equals the values created and not
 *   yet released (no removed entry is ever put back, so nothing is stored that a clear misses);
 * - after a final clear, every value ever created was released exactly once.
 *
 * Bounded in `npm test` (300 sequences); `REENTRY_RUNS=10000` runs more. A failure prints the
 * shrunk sequence.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cacheResource, type CacheEvent, type CacheOptions } from "../../src/index.js";
import { flush } from "../support/manual-clock.js";
import { assertNoUnhandledSince, installGuards, unhandled } from "./guards.js";

installGuards();

const RUNS = Number(process.env.REENTRY_RUNS ?? 300);
const KEYS = ["a", "b", "c"] as const;

const CALLBACKS = ["validate", "hit", "computed", "onRelease"] as const;
type Callback = (typeof CALLBACKS)[number];

type Action =
  | { readonly type: "call"; readonly key: string }
  | { readonly type: "clearKey"; readonly key: string }
  | { readonly type: "clearFn" }
  | { readonly type: "clearAll" };

/** One step: call `key`; the first time `callback` runs during it, it performs `action`. */
interface Step {
  readonly key: string;
  readonly callback: Callback | "none";
  readonly action: Action;
}

interface Config {
  readonly async: boolean;
  readonly maxEntries: number | null;
  readonly validate: boolean;
}

class Val {
  static seq = 0;
  readonly id = ++Val.seq;
  released = 0;
  constructor(readonly key: string) {}
  toString(): string {
    return `#${this.id}(${this.key})`;
  }
}

const keyArb = fc.constantFrom(...KEYS);
const configArb: fc.Arbitrary<Config> = fc.record({
  async: fc.boolean(),
  maxEntries: fc.constantFrom(1, 2, null),
  validate: fc.boolean(),
});
const actionArb = (async: boolean): fc.Arbitrary<Action> =>
  fc.oneof(
    // An async computation started from a callback settles later and may evict any value a caller
    // is about to receive (maxEntries is a bound, not a lease), so async runs re-enter by clearing.
    ...(async ? [] : [keyArb.map((key) => ({ type: "call" as const, key }))]),
    keyArb.map((key) => ({ type: "clearKey" as const, key })),
    fc.constant({ type: "clearFn" as const }),
    fc.constant({ type: "clearAll" as const }),
  );
const stepArb = (async: boolean): fc.Arbitrary<Step> =>
  fc.record({ key: keyArb, callback: fc.constantFrom(...CALLBACKS, "none" as const), action: actionArb(async) });
const caseArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), fc.array(stepArb(config.async), { minLength: 1, maxLength: 25 })),
);

let runSeq = 0;

async function runCase(config: Config, steps: readonly Step[]): Promise<void> {
  const unhandledMark = unhandled.length;
  const created: Val[] = [];
  const problems: string[] = [];
  let armed: { callback: Callback; action: Action } | undefined;
  const background: Promise<unknown>[] = [];

  const make = (key: string): Val => {
    const value = new Val(key);
    created.push(value);
    return value;
  };
  const body = config.async ? async (key: string) => make(key) : (key: string) => make(key);
  const options: CacheOptions = {
    name: `reentry-${++runSeq}`,
    maxEntries: config.maxEntries,
    onRelease: (value: Val) => {
      if (value.released++ > 0) problems.push(`${value} released twice`);
      fire("onRelease");
    },
  };
  if (config.validate) {
    options.validate = (value: Val) => {
      if (value.released > 0) problems.push(`validate saw released ${value}`);
      fire("validate");
      return true;
    };
  }
  const fn = cacheResource(body, options as CacheOptions<typeof body>);

  /** Performs the armed action once, the first time its callback runs. */
  function fire(callback: Callback): void {
    if (armed === undefined || armed.callback !== callback) return;
    const { action } = armed;
    armed = undefined;
    switch (action.type) {
      case "call":
        background.push(Promise.resolve(fn(action.key)));
        break;
      case "clearKey":
        background.push(fn.clear(action.key));
        break;
      case "clearFn":
        background.push(fn.clear());
        break;
      case "clearAll":
        background.push(cacheResource.clear());
    }
  }
  const listener = (event: CacheEvent): void => {
    if (event.functionName !== fn.name) return;
    if (event.type === "hit" || event.type === "computed") fire(event.type);
  };
  const unsubscribe = cacheResource.events.subscribe(listener);

  const live = () => created.filter((v) => v.released === 0).length;
  try {
    for (const [i, step] of steps.entries()) {
      const where = `step ${i} (call ${step.key}; ${step.callback} → ${JSON.stringify(step.action)})`;
      armed = step.callback === "none" ? undefined : { callback: step.callback, action: step.action };
      const value = (await fn(step.key)) as unknown;
      armed = undefined;
      assert.ok(value instanceof Val, `${where}: a value, not ${String(value)}`);
      assert.equal(value.key, step.key, `${where}: the value for its own arguments`);
      assert.equal(value.released, 0, `${where}: never a released value`);
      await Promise.all(background);
      await flush();
      assert.deepEqual(problems, [], where);
      assert.equal(fn.stats().entries, live(), `${where}: stats count exactly the values not released`);
      if (config.maxEntries !== null) assert.ok(live() <= config.maxEntries, `${where}: within maxEntries`);
    }
  } finally {
    unsubscribe();
  }

  await fn.clear();
  await Promise.all(background);
  await flush();
  assert.equal(fn.stats().entries, 0, "a clear leaves nothing stored");
  const wrong = created.filter((v) => v.released !== 1).map((v) => `${v} released ${v.released} times`);
  assert.deepEqual(wrong, [], "every value released exactly once");
  assert.deepEqual(problems, []);
  assertNoUnhandledSince(unhandledMark);
}

test(`callbacks that re-enter the cache never make a call return undefined or a released value (${RUNS} random sequences)`, async () => {
  await fc.assert(fc.asyncProperty(caseArb, ([config, steps]) => runCase(config, steps)), { numRuns: RUNS });
});

test("the sequences from the report: validate evicts its own entry; validate or a hit listener clears the function", async () => {
  const sync: Config = { async: false, maxEntries: 1, validate: true };
  await runCase(sync, [
    { key: "a", callback: "none", action: { type: "clearFn" } },
    { key: "a", callback: "validate", action: { type: "call", key: "b" } },
    { key: "a", callback: "none", action: { type: "clearFn" } },
  ]);
  await runCase({ async: false, maxEntries: null, validate: true }, [
    { key: "a", callback: "none", action: { type: "clearFn" } },
    { key: "a", callback: "validate", action: { type: "clearFn" } },
  ]);
  for (const async of [false, true]) {
    await runCase({ async, maxEntries: null, validate: false }, [
      { key: "a", callback: "none", action: { type: "clearFn" } },
      { key: "a", callback: "hit", action: { type: "clearFn" } },
      { key: "a", callback: "hit", action: { type: "clearAll" } },
    ]);
  }
});
