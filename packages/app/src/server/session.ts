import { randomUUID } from "node:crypto";
import type { ClientMessage, ServerMessage } from "../protocol.js";
import { ScriptRun, type RunSession } from "../script/run.js";
import { executeRun, type LoadedScript } from "../script/runner.js";
import type { UploadedFile } from "../widgets/specs.js";
import { WidgetStore } from "../widgets/state.js";
import { SpinnerBoard } from "./spinners.js";

/** What a session needs from the server. */
export interface SessionDeps {
  /** Sends a message to this session's page. */
  send(message: ServerMessage): void;
  /** The script as currently loaded (it changes when the app file is edited). */
  script(): LoadedScript;
  /** The `st` object handed to the script's default export. */
  readonly st: unknown;
  /** Clock for the spinner (ms). */
  readonly now?: () => number;
  /** Spinner delay (ms); tests may shorten it. */
  readonly spinnerDelayMs?: number;
  /** Reports an internal failure (never a script error: those go to the page). */
  report(error: unknown): void;
}

/**
 * One browser tab: its id (the cache's session id), its widget values, `st.sessionState`, and its
 * runs. Only the newest run is live; asking for a rerun supersedes the run in flight at once (its
 * later commands throw and its output is dropped) and starts the new run on the next tick, so a
 * burst of messages costs one run.
 */
export class AppSession implements RunSession {
  /** Random and unguessable: it names the session's cache entries. */
  readonly id: string = randomUUID();
  readonly sessionState: Record<string, unknown> = {};
  readonly widgets = new WidgetStore();
  readonly #deps: SessionDeps;
  readonly #spinners: SpinnerBoard;
  #runCounter = 0;
  #current: ScriptRun | undefined;
  #startScheduled = false;
  #connected = true;
  #runsInFlight = 0;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    this.#spinners = new SpinnerBoard((m) => this.send(m), deps.now, deps.spinnerDelayMs);
  }

  /** False once the page has disconnected. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Runs started and not yet settled (including superseded ones still unwinding). */
  get runsInFlight(): number {
    return this.#runsInFlight;
  }

  send(message: ServerMessage): void {
    if (this.#connected) this.#deps.send(message);
  }

  isCurrent(runId: number): boolean {
    return this.#connected && !this.#startScheduled && this.#current?.runId === runId;
  }

  startCacheSpinner(text: string, showTime: boolean, startedAt: number): () => void {
    return this.#spinners.start(text, showTime, startedAt);
  }

  /** Supersedes the run in flight (if any) and schedules a new run. */
  requestRerun(): void {
    if (!this.#connected) return;
    const previous = this.#current;
    // Clicks the superseded run had not finished with belong to the next run.
    if (previous !== undefined && !previous.finished) this.widgets.restoreTriggers(previous.triggers);
    if (this.#startScheduled) return;
    this.#startScheduled = true;
    setImmediate(() => {
      this.#startScheduled = false;
      this.#start();
    });
  }

  /**
   * Handles a message from the page. Returns a problem description when the message is wrong for
   * this session (the caller closes the socket); unknown widget ids are ignored.
   */
  receive(message: ClientMessage): string | undefined {
    if (message.type === "rerun") {
      this.requestRerun();
      return undefined;
    }
    const result = this.widgets.receive(message.id, message.value);
    if (result === "rerun") this.requestRerun();
    return typeof result === "object" ? result.problem : undefined;
  }

  /** The largest file widget `id` accepts now, or why it accepts none. */
  uploadLimit(id: string): number | { readonly problem: string } {
    return this.#connected ? this.widgets.uploadLimit(id) : { problem: "the page has disconnected" };
  }

  /** A file uploaded for widget `id` (over HTTP, within {@link AppSession.uploadLimit}). */
  receiveFile(id: string, file: UploadedFile): string | undefined {
    if (!this.#connected) return "the page has disconnected";
    const result = this.widgets.receiveFile(id, file);
    if (result === "rerun") this.requestRerun();
    return result === "ignored" ? "the widget is no longer on the page" : result === "rerun" ? undefined : result.problem;
  }

  /** The page went away: every run becomes stale and every spinner goes. */
  disconnect(): void {
    this.#connected = false;
    this.#current = undefined;
    this.#spinners.clear();
  }

  #start(): void {
    if (!this.#connected) return;
    const run = new ScriptRun(this, ++this.#runCounter, this.widgets.takeTriggers());
    this.#current = run;
    this.send({ type: "runStarted", runId: run.runId });
    this.#runsInFlight++;
    executeRun(run, this.#deps.script(), this.#deps.st)
      .then((outcome) => {
        if (this.#current !== run) return;
        if (outcome === "finished") this.#spinners.clear();
        else if (outcome === "rerun") this.requestRerun();
      })
      .catch((error: unknown) => this.#deps.report(error))
      .finally(() => this.#runsInFlight--);
  }
}
