/**
 * Process-level guards shared by the reliability suites: every unhandled rejection and uncaught
 * exception is collected (a test compares the count before and after itself), and the library's
 * warnings are captured instead of printed, so suites can assert on them and stay quiet.
 */
import { after } from "node:test";
import assert from "node:assert/strict";

export const unhandled: unknown[] = [];
export const warnings: string[] = [];

const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const onUncaught = (error: unknown): void => void unhandled.push(error);
const onWarning = (warning: Error): void => void warnings.push(warning.message);

let installed = false;

/** Installs the guards for this test file; an `after` hook fails the file if any problem arrived. */
export function installGuards(): void {
  if (installed) return;
  installed = true;
  const savedWarningListeners = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", onWarning);
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUncaught);
  after(() => {
    process.off("warning", onWarning);
    for (const listener of savedWarningListeners) process.on("warning", listener);
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUncaught);
    assert.deepEqual(unhandled.map(String), [], "no unhandled rejection or uncaught exception in the whole file");
  });
}

/** Fails when an unhandled rejection or uncaught exception arrived since `mark` was taken. */
export function assertNoUnhandledSince(mark: number): void {
  assert.deepEqual(unhandled.slice(mark).map(String), [], "no unhandled rejection or uncaught exception");
}
