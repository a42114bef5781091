import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidOptionError } from "../errors.js";
import { globalSingleton } from "../global-singleton.js";

/**
 * The session a call runs in. `AsyncLocalStorage` carries it through every `await`, timer and
 * callback started inside `runInSession`, so a session-scoped function finds its own entries
 * without the caller passing anything along.
 */
// Shared through globalThis so two copies of the library agree on the current session.
const sessionContext = globalSingleton("session-context", () => new AsyncLocalStorage<string>());

/** The id of the session the caller runs in, or `undefined` outside any session. */
export function currentSessionId(): string | undefined {
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
  return sessionContext.run(sessionId, fn);
}

/** Runs `fn` in `sessionId`, or outside any session when it is `undefined`. */
export function runInSessionOrNone<T>(sessionId: string | undefined, fn: () => T): T {
  return sessionId === undefined ? sessionContext.exit(fn) : sessionContext.run(sessionId, fn);
}
