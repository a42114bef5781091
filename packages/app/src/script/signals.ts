/**
 * Control-flow signals of a script run. They are thrown through the user's script and caught by
 * the runner, never shown. They carry a `Symbol.for` brand instead of relying on `instanceof`,
 * because the app module is loaded with its own copy of this library (see the loader).
 */

const SIGNAL = Symbol.for("cache-resource.app.signal");

/** Why the runner stopped the script. */
export type SignalKind =
  /** A newer run of the same session started; this run's output is dropped. */
  | "superseded"
  /** The script called `st.rerun()`. */
  | "rerun";

/** Thrown by a command of a run that is no longer the session's current run. */
export class RerunSuperseded extends Error {
  readonly [SIGNAL]: SignalKind = "superseded";
  override name = "RerunSuperseded";
  constructor() {
    super("This script run was superseded by a newer one (internal signal; do not catch it).");
  }
}

/** Thrown by `st.rerun()`. */
export class RerunRequested extends Error {
  readonly [SIGNAL]: SignalKind = "rerun";
  override name = "RerunRequested";
  constructor() {
    super("st.rerun() was called (internal signal; do not catch it).");
  }
}

/** The signal `error` carries, or `undefined` for an ordinary error. */
export function signalOf(error: unknown): SignalKind | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const kind = (error as Record<symbol, unknown>)[SIGNAL];
  return kind === "superseded" || kind === "rerun" ? kind : undefined;
}
