import type { CacheHost, MissInfo, MissScope } from "../hosts/host.js";
import { currentScript, runWithScript } from "./script/context.js";

/** A miss with nothing to show and nothing to record. */
const QUIET_SCOPE: MissScope = {
  run: (compute) => compute(),
  end: () => undefined,
};

/**
 * The cache host of the app runtime. A miss inside a script run shows the spinner overlay on that
 * run's page (outermost misses only, after 0.5 s, removed when the miss settles either way); a
 * miss anywhere else (module top level, a background refresh) goes to the fallback host, by
 * default none.
 *
 * Element recording and replay (issue 8) hook in here too: `run` is where a recording context
 * would wrap the computation and `replay` where hits re-send it.
 */
export class AppHost implements CacheHost {
  readonly #fallback: CacheHost | undefined;

  constructor(fallback?: CacheHost) {
    this.#fallback = fallback;
  }

  beginMiss(miss: MissInfo): MissScope {
    const store = currentScript();
    if (store === undefined) return this.#fallback?.beginMiss(miss) ?? QUIET_SCOPE;
    const removeSpinner =
      miss.outermost && miss.spinnerText !== undefined
        ? store.run.startCacheSpinner(miss.spinnerText, miss.showTime, miss.startedAt)
        : undefined;
    let ended = false;
    return {
      // Mark the computation so a superseded run cannot make it fail (see ScriptStore.capture).
      // Element recording (issue 8) will put its recorder here instead of `true`.
      run: (compute) => runWithScript({ ...store, capture: true }, compute),
      end: () => {
        if (!ended) removeSpinner?.();
        ended = true;
        return undefined;
      },
    };
  }

  replay(recording: unknown, functionName: string): void {
    if (currentScript() === undefined) this.#fallback?.replay(recording, functionName);
  }
}
