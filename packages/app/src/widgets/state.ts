import {
  acceptUpload,
  acceptWire,
  initialValue,
  isTrigger,
  reconcile,
  uploadLimit,
  type UploadedFile,
  type WidgetRequest,
  type WidgetValue,
} from "./specs.js";

/**
 * The widget values of one session, kept across reruns.
 *
 * Values change in two ways: the page sends one (checked against how the widget was last shown),
 * or the script assigns `st.sessionState[key]` of a keyed widget. Keyed widgets mirror their
 * value into `st.sessionState[key]`; a mirror the script changed since the last run wins over the
 * stored value on the next render. Buttons are triggers: true in the one run after the click.
 */

/** Converts between the server's value (selects hold an index) and the value the script sees. */
export interface WidgetCodec {
  toUser(value: WidgetValue): unknown;
  /** `undefined` when `user` is not a value this widget can hold. */
  fromUser(user: unknown): WidgetValue | undefined;
}

/** What became of a value the page sent. */
export type Received = "rerun" | "ignored" | { readonly problem: string };

/** Widget state of one session. */
export class WidgetStore {
  readonly #values = new Map<string, WidgetValue>();
  readonly #requests = new Map<string, WidgetRequest>();
  /** Per key: the script-facing value last written into sessionState. */
  readonly #mirrored = new Map<string, unknown>();
  #pendingTriggers = new Set<string>();

  /**
   * Applies a value sent by the page. Unknown ids (a widget that is gone) are ignored; a value the
   * widget cannot hold is a problem (the page never sends one, so the socket is misbehaving).
   */
  receive(id: string, wire: unknown): Received {
    const req = this.#requests.get(id);
    if (req === undefined) return "ignored";
    const accepted = acceptWire(req, wire);
    if (!accepted.ok) return { problem: `widget ${req.kind} ${JSON.stringify(req.label)}: ${accepted.problem}` };
    if (isTrigger(req.kind)) this.#pendingTriggers.add(id);
    else this.#values.set(id, accepted.value);
    return "rerun";
  }

  /** The largest file widget `id` takes, or why it takes none (gone, disabled, not a file widget). */
  uploadLimit(id: string): number | { readonly problem: string } {
    const req = this.#requests.get(id);
    return req === undefined ? { problem: "the widget is no longer on the page" } : uploadLimit(req);
  }

  /** Applies a file uploaded for widget `id` (checked as {@link WidgetStore.receive} checks values). */
  receiveFile(id: string, file: UploadedFile): Received {
    const req = this.#requests.get(id);
    if (req === undefined) return "ignored";
    const accepted = acceptUpload(req, file);
    if (!accepted.ok) return { problem: `widget ${req.kind} ${JSON.stringify(req.label)}: ${accepted.problem}` };
    this.#values.set(id, accepted.value);
    return "rerun";
  }

  /** Hands the pending button clicks to a starting run. */
  takeTriggers(): Set<string> {
    const taken = this.#pendingTriggers;
    this.#pendingTriggers = new Set();
    return taken;
  }

  /** Gives back clicks a superseded run did not get to finish with, so the next run sees them. */
  restoreTriggers(triggers: Iterable<string>): void {
    for (const id of triggers) this.#pendingTriggers.add(id);
  }

  /** The value of widget `id` for this render, recorded as its current value. */
  resolve(
    id: string,
    req: WidgetRequest,
    triggers: ReadonlySet<string>,
    sessionState: Record<string, unknown>,
    codec: WidgetCodec,
  ): WidgetValue {
    this.#requests.set(id, req);
    const value = this.peek(id, req, triggers, sessionState, codec);
    if (isTrigger(req.kind)) return value;
    this.#values.set(id, value);
    const key = req.key;
    if (key !== undefined) {
      const user = codec.toUser(value);
      sessionState[key] = user;
      this.#mirrored.set(key, user);
    }
    return value;
  }

  /**
   * The value widget `id` would get from {@link WidgetStore.resolve} now, changing nothing: what a
   * cached function with `experimentalAllowWidgets` would read, to pick the entry for it.
   */
  peek(
    id: string,
    req: WidgetRequest,
    triggers: ReadonlySet<string>,
    sessionState: Record<string, unknown>,
    codec: WidgetCodec,
  ): WidgetValue {
    if (isTrigger(req.kind)) return triggers.has(id);
    const stored = this.#values.get(id);
    let value = stored === undefined ? initialValue(req) : reconcile(req, stored);
    const key = req.key;
    if (key !== undefined && Object.hasOwn(sessionState, key)) {
      const current = sessionState[key];
      const changedByScript = !this.#mirrored.has(key) || !Object.is(this.#mirrored.get(key), current);
      if (changedByScript) {
        const candidate = codec.fromUser(current);
        if (candidate !== undefined) value = reconcile(req, candidate);
      }
    }
    return value;
  }

  /** After a complete run: forgets widgets the run did not show (as if they never existed). */
  collect(seen: ReadonlySet<string>, sessionState: Record<string, unknown>): void {
    for (const [id, req] of this.#requests) {
      if (seen.has(id)) continue;
      this.#requests.delete(id);
      this.#values.delete(id);
      const key = req.key;
      if (key !== undefined && this.#mirrored.has(key)) {
        if (Object.is(sessionState[key], this.#mirrored.get(key))) delete sessionState[key];
        this.#mirrored.delete(key);
      }
    }
  }

  /** Current value of widget `id` (tests and debugging). */
  valueOf(id: string): WidgetValue | undefined {
    return this.#values.get(id);
  }
}
