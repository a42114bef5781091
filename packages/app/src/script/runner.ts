import { runInSession } from "cache-resource";
import { exceptionElement } from "../elements/build.js";
import { MAIN_CONTAINER, runWithScript } from "./context.js";
import type { ScriptRun } from "./run.js";
import { signalOf } from "./signals.js";

/** The app's script as loaded, or why it could not be loaded. */
export type LoadedScript =
  | { readonly ok: true; readonly script: (st: never) => unknown }
  | { readonly ok: false; readonly error: unknown };

/** How a run ended. */
export type RunOutcome =
  /** Ran to the end (or threw: the error is on the page). */
  | "finished"
  /** Called `st.rerun()`: start a new run. */
  | "rerun"
  /** A newer run took over, or the session went away; nothing more to do. */
  | "superseded";

/**
 * Runs the script once, top to bottom, inside the session (for session-scoped cache entries)
 * and the script context (for `st`). An error thrown by the script is shown where the main
 * column had got to; the session stays usable and the next interaction reruns as usual.
 */
export async function executeRun(run: ScriptRun, loaded: LoadedScript, st: unknown): Promise<RunOutcome> {
  let complete = false;
  try {
    if (!loaded.ok) throw loaded.error;
    const script = loaded.script as (st: unknown) => unknown;
    await runInSession(run.sessionId, () => runWithScript({ run, container: MAIN_CONTAINER }, () => script(st)));
    complete = true;
  } catch (error) {
    const signal = signalOf(error);
    if (!run.live) return "superseded";
    // A live run can only see "superseded" from another session's stale run, through a computation
    // they shared (`st.rerun()` inside a cached function travels the same way): start over.
    if (signal !== undefined) {
      run.abandon();
      return "rerun";
    }
    run.emit(MAIN_CONTAINER, exceptionElement(error));
  }
  if (!run.live) return "superseded";
  run.finish(complete);
  return "finished";
}
