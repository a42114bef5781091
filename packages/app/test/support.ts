/** Helpers shared by the app runtime's tests. */

/** A promise with its resolve/reject exposed, to make "slow" work finish when the test says so. */
export { deferred as gate } from "../../core/test/support/manual-clock.js";

/**
 * Polls `condition` until it holds, failing after `timeoutMs` (generous: the machine may be busy).
 * Bounded polling, never a fixed sleep that correctness depends on.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A process-wide object fixtures and tests share (fixtures are loaded in a separate module graph). */
export function shared<T extends object>(name: string, init: () => T): T {
  const key = Symbol.for(`cache-resource.test.${name}`);
  const g = globalThis as Record<symbol, unknown>;
  return (g[key] ??= init()) as T;
}
