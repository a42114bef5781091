import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidOptionError } from "../errors.js";
import { globalSingleton } from "../global-singleton.js";

/**
 * The session a call runs in. `AsyncLocalStorage` carries it through every `await`, timer and
 * callback started inside `runInSession`, so a session-scoped function finds its own entries
 * without the caller passing anything along.
 *
 * What it carries is a handle, shared by all the code running in one session, rather than the
 * bare id: `endSession` marks the handle ended, so code still running for that session (a page
 * run that was awaiting when its tab closed) can no longer store session values that nothing
 * would ever release. A later `runInSession` with the same id gets a fresh handle: the id may be
 * used again.
 */

/** One session as the code running in it sees it. */
export interface SessionHandle {
  readonly id: string;
  /** Set by `endSession`: session-scoped functions refuse to store anything more for it. */
  ended: boolean;
}

/**
 * The handles of sessions not ended yet, by id, held weakly: a handle lives exactly as long as
 * some code runs in its session, so ids used once and never ended cost nothing afterwards.
 */
class OpenSessions {
  readonly #handles = new Map<string, WeakRef<SessionHandle>>();
  readonly #collected = new FinalizationRegistry<string>((id) => {
    if (this.#handles.get(id)?.deref() === undefined) this.#handles.delete(id);
  });

  handle(id: string): SessionHandle {
    const open = this.#handles.get(id)?.deref();
    if (open !== undefined) return open;
    const handle: SessionHandle = { id, ended: false };
    this.#handles.set(id, new WeakRef(handle));
    this.#collected.register(handle, id);
    return handle;
  }

  end(id: string): void {
    const open = this.#handles.get(id)?.deref();
    if (open !== undefined) open.ended = true;
    this.#handles.delete(id);
  }
}

// Shared through globalThis so two copies of the library agree on the current session.
const sessionContext = globalSingleton("session-handle-context", () => new AsyncLocalStorage<SessionHandle>());
const openSessions = globalSingleton("open-sessions", () => new OpenSessions());

/** The id of the session the caller runs in, or `undefined` outside any session. */
export function currentSessionId(): string | undefined {
  return sessionContext.getStore()?.id;
}

/** The session the caller runs in (with whether it has ended), or `undefined` outside any. */
export function currentSession(): SessionHandle | undefined {
  return sessionContext.getStore();
}

/**
 * Runs `fn` (and everything it awaits) inside session `sessionId`. Functions cached with
 * `scope: "session"` keep separate entries per session.
 * @example
 * app.use((req, res, next) => runInSession(req.sessionID, next));
 */
export function runInSession<T>(sessionId: string, fn: () => T): T {
  if (typeof sessionId !== "string" || sessionId === "") {
    throw new InvalidOptionError("sessionId", sessionId, "a session id must be a non-empty string", 'runInSession("user-42", () => ...)');
  }
  return sessionContext.run(openSessions.handle(sessionId), fn);
}

/** Runs `fn` in `sessionId`, or outside any session when it is `undefined`. */
export function runInSessionOrNone<T>(sessionId: string | undefined, fn: () => T): T {
  return sessionId === undefined ? sessionContext.exit(fn) : sessionContext.run(openSessions.handle(sessionId), fn);
}

/** `endSession` starts here: code still running in the session stores nothing more for it. */
export function markSessionEnded(sessionId: string): void {
  openSessions.end(sessionId);
}
