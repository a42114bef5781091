/**
 * Misses skip a host that says it is quiet, and a pass-through scope runs the function directly:
 * neither may change what a miss does (frames for recursion, tracing, errors, recordings).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { tracingChannel } from "node:diagnostics_channel";
import { cacheResource, createTerminalHost, RecursiveCallError, setHost, type CacheHost } from "../../src/index.js";
import { PASS_THROUGH_SCOPE } from "../../src/host.js";

let seq = 0;
const unique = (label: string) => `quiet-host-${label}-${++seq}`;

function withHost<T>(host: CacheHost, body: () => T): T {
  const previous = setHost(host);
  try {
    return body();
  } finally {
    setHost(previous);
  }
}

describe("quiet hosts and pass-through scopes", () => {
  test("a quiet host is never asked; a host that is not quiet is asked on every miss", () => {
    let asked = 0;
    const beginMiss = () => {
      asked++;
      return PASS_THROUGH_SCOPE;
    };
    const get = cacheResource((n: number) => ({ n }), { name: unique("asked") });
    withHost({ quiet: true, beginMiss }, () => {
      get(1);
      get(2);
    });
    assert.equal(asked, 0);
    withHost({ quiet: false, beginMiss }, () => {
      get(3);
      get(3);
      get(4);
    });
    assert.equal(asked, 2);
  });

  test("the terminal host is quiet exactly when it draws nothing", () => {
    const output = { isTTY: true, write: () => true };
    assert.equal(createTerminalHost({ output, enabled: false }).quiet, true);
    assert.equal(createTerminalHost({ output, enabled: true }).quiet, false);
    assert.equal(createTerminalHost({ output: { write: () => true } }).quiet, true, "not a TTY");
  });

  for (const quiet of [true, false]) {
    test(`${quiet ? "quiet host" : "pass-through scope"}: recursion is still detected, errors are not cached`, () => {
      withHost({ quiet, beginMiss: () => PASS_THROUGH_SCOPE }, () => {
        const loop: (n: number) => number = cacheResource(function selfCall(n: number): number {
          return loop(n);
        }, { name: unique("recursion") });
        assert.throws(() => loop(1), RecursiveCallError);
        let runs = 0;
        const flaky = cacheResource((n: number) => {
          if (++runs === 1) throw new Error("first call fails");
          return { n };
        }, { name: unique("flaky") });
        assert.throws(() => flaky(1), /first call fails/);
        const value = flaky(1);
        assert.equal(flaky(1), value);
        assert.equal(runs, 2);
      });
    });

    test(`${quiet ? "quiet host" : "pass-through scope"}: the compute tracing channel still sees every computation`, async () => {
      const seen: string[] = [];
      const channel = tracingChannel("cache-resource:compute");
      const handlers = {
        start: (message: unknown) => void seen.push(`start ${(message as { functionName: string }).functionName}`),
        end: () => void seen.push("end"),
        asyncStart: () => {},
        asyncEnd: () => void seen.push("asyncEnd"),
        error: () => {},
      };
      channel.subscribe(handlers);
      try {
        await withHost({ quiet, beginMiss: () => PASS_THROUGH_SCOPE }, async () => {
          const name = unique("traced");
          const get = cacheResource(async (n: number) => n, { name });
          await get(1);
          await get(1);
          assert.deepEqual(seen, [`start ${name}`, "end", "asyncEnd"]);
        });
      } finally {
        channel.unsubscribe(handlers);
      }
    });
  }
});
