import type { Entry } from "../entry/entry.js";
import type { CacheHost } from "../hosts/host.js";
import { createKeyer, type Keyer, type ValueKey } from "../keys/keyer.js";

/** Leads the key of widget-keyed values; never reachable from user arguments. */
const WIDGET_KEY_MARK = Symbol("cache-resource.widget-state");

/**
 * Keys for `experimentalAllowWidgets` functions: a value is filed under its arguments' key plus
 * the state of the widgets it read while computing, so each combination of widget values gets
 * its own entry. Which widgets a call reads is only known after a first computation for those
 * arguments, so that computation's recording is kept as a probe and the host is asked, on every
 * later call, for the current state of the widgets it lists.
 */
export class WidgetKeys {
  readonly #functionName: string;
  /** Per argument key, a recording that says which widgets the function reads. */
  readonly #probes = new Map<ValueKey, unknown>();
  #keyer: Keyer | undefined;

  constructor(functionName: string) {
    this.#functionName = functionName;
  }

  /** The store key of a call: its arguments' key plus the current state of the widgets it reads. */
  keyOf(baseKey: ValueKey, host: CacheHost): ValueKey {
    const probe = this.#probes.get(baseKey);
    if (probe === undefined) return baseKey;
    const state = host.widgetState?.(probe);
    return state === undefined ? baseKey : this.#combine(baseKey, state);
  }

  /**
   * After a miss: the key the value belongs under, given the widget state it was computed with
   * (`entry.key` when it read no widgets). Remembers the recording as the probe for its arguments.
   */
  keyAfterMiss(entry: Entry, recording: unknown, host: CacheHost): ValueKey {
    const state = host.widgetState?.(recording);
    if (state === undefined) return entry.key;
    this.#probes.set(entry.baseKey, recording);
    return this.#combine(entry.baseKey, state);
  }

  #combine(baseKey: ValueKey, state: string): ValueKey {
    // A private symbol first: no argument list of the user's can encode to the same key.
    this.#keyer ??= createKeyer({
      functionName: this.#functionName,
      fn: (mark: symbol, base: unknown, state: string) => [mark, base, state],
    });
    return this.#keyer.key([WIDGET_KEY_MARK, baseKey, state]);
  }
}
