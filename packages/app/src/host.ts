import type { CacheHost, MissInfo, MissScope } from "cache-resource/host";
import { Capture } from "./replay/capture.js";
import { isRecording, replayRecording } from "./replay/recording.js";
import { currentScript, runOutsideScript, runWithScript } from "./script/context.js";

/** A miss with nothing to show and nothing to record. */
const QUIET_SCOPE: MissScope = {
  run: (compute) => compute(),
  end: () => undefined,
};

/** Runs the computation outside any script run; records nothing. */
const OUTSIDE_RUN_SCOPE: MissScope = {
  run: (compute) => runOutsideScript(compute),
  end: () => undefined,
};

/**
 * The cache host of the app runtime.
 *
 * A miss inside a script run shows the spinner overlay on that run's page (outermost misses only,
 * after 0.5 s, removed when the miss settles either way) and records what the function emits —
 * elements, blocks, widgets, also from nested cached calls — with their places relative to the
 * call. A hit (and every waiter of a shared computation) replays that recording into the caller's
 * current container. A failed miss records nothing.
 *
 * A miss anywhere else (module top level) goes to the fallback host, by
 * default none: there `st.*` does nothing, so there is nothing to record and nothing to pay.
 */
export class AppHost implements CacheHost {
  readonly #fallback: CacheHost | undefined;

  constructor(fallback?: CacheHost) {
    this.#fallback = fallback;
  }

  beginMiss(miss: MissInfo): MissScope {
    const store = currentScript();
    // A background refresh belongs to no page run, even when a run's call started it: it runs
    // outside the script context (so `st.*` in it is inert) and the old recording keeps replaying.
    if (miss.refresh) return store === undefined ? QUIET_SCOPE : OUTSIDE_RUN_SCOPE;
    if (store === undefined) return this.#fallback?.beginMiss(miss) ?? QUIET_SCOPE;
    const removeSpinner =
      miss.outermost && miss.spinnerText !== undefined
        ? store.run.startCacheSpinner(miss.spinnerText, miss.showTime, miss.startedAt)
        : undefined;
    const capture = new Capture({
      functionName: miss.functionName,
      allowWidgets: miss.allowWidgets,
      runId: store.run.runId,
      base: store.container,
      parent: store.capture,
    });
    let ended = false;
    return {
      // The capture also marks the computation so a superseded run cannot make it fail.
      run: (compute) => runWithScript({ ...store, capture }, compute),
      end: (outcome) => {
        if (ended) return undefined;
        ended = true;
        removeSpinner?.();
        const recording = capture.finish();
        // An error discards the recording: errors are never cached, so nothing will replay it.
        return outcome.ok ? recording : undefined;
      },
    };
  }

  /**
   * A run waiting on a miss another session (or an earlier run) started shows the same spinner,
   * counting from that miss's start, until the computation settles.
   */
  beginWait(wait: MissInfo): { end(): void } | undefined {
    const store = currentScript();
    if (store === undefined) return this.#fallback?.beginWait?.(wait);
    if (!wait.outermost || wait.spinnerText === undefined) return undefined;
    return { end: store.run.startCacheSpinner(wait.spinnerText, wait.showTime, wait.startedAt) };
  }

  replay(recording: unknown, functionName: string): void {
    const store = currentScript();
    if (store === undefined) {
      // Outside a run `st.*` does nothing, so our recordings have nothing to show there.
      if (!isRecording(recording)) this.#fallback?.replay?.(recording, functionName);
      return;
    }
    if (isRecording(recording)) replayRecording(recording, store.run, store.container);
  }

  /**
   * The current values of the widgets `recording` showed, in the caller's run: the core files a
   * value of an `experimentalAllowWidgets` function under its arguments plus this string, so each
   * combination of values gets its own entry. `undefined` when it showed none, or outside a run.
   */
  widgetState(recording: unknown): string | undefined {
    if (!isRecording(recording)) return this.#fallback?.widgetState?.(recording);
    if (recording.widgets.length === 0) return undefined;
    const run = currentScript()?.run;
    if (run === undefined) return undefined;
    return JSON.stringify(recording.widgets.map((w) => [w.id, run.widgetValue(w.req, w.codec)]));
  }
}
