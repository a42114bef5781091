import type { ClientMessage, ServerFrame, ServerMessage } from "../protocol.js";
import { Overlay } from "./overlay.js";
import { sidebarDrawer } from "./sidebar.js";
import { PageTree } from "./tree.js";

/**
 * The page: one WebSocket to the server (one session), a tree of elements it keeps in sync, and
 * the overlay. If the socket drops, the page reconnects with backoff and gets a fresh session.
 */

/** A run slower than this fades the elements it has not rewritten yet. */
const STALE_AFTER_MS = 600;
/** The "Running…" status appears only for runs slower than this. */
const RUNNING_AFTER_MS = 300;

function start(): void {
  const app = document.getElementById("app") as HTMLElement;
  const overlay = new Overlay(document.getElementById("overlay") as HTMLElement);
  sidebarDrawer(app, document.getElementById("sidebar-toggle") as HTMLButtonElement, document.querySelector("main") as HTMLElement);
  let socket: WebSocket | undefined;
  let retryMs = 250;
  let runTimers: number[] = [];

  const send = (message: ClientMessage): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  /** This socket's permission to upload into its session (the `hello` message). */
  let uploadToken = "";
  const upload = async (id: string, file: File): Promise<string | undefined> => {
    try {
      const response = await fetch(`/upload?widget=${encodeURIComponent(id)}`, {
        method: "POST",
        // The content type is the file's own (none when the browser knows none).
        headers: { "x-upload-token": uploadToken, "x-file-name": encodeURIComponent(file.name) },
        body: file,
      });
      return response.ok ? undefined : (await response.text()) || `Upload failed (${response.status}).`;
    } catch (error) {
      return `Upload failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  const tree = new PageTree(
    [document.getElementById("main-root") as HTMLElement, document.getElementById("sidebar-root") as HTMLElement],
    { send: (id, value) => send({ type: "widget", id, value }), upload },
  );

  const clearRunTimers = (): void => {
    runTimers.forEach((t) => window.clearTimeout(t));
    runTimers = [];
  };

  const handle = (message: ServerMessage): void => {
    switch (message.type) {
      case "hello":
        uploadToken = message.uploadToken;
        break;
      case "runStarted":
        tree.startRun(message.runId);
        clearRunTimers();
        document.body.dataset.running = "true";
        runTimers.push(
          window.setTimeout(() => overlay.status("Running…"), RUNNING_AFTER_MS),
          window.setTimeout(() => tree.markStale(), STALE_AFTER_MS),
        );
        break;
      case "delta":
        if (message.runId !== tree.runId) return;
        tree.apply(message.path, message.element);
        app.classList.toggle("has-sidebar", tree.hasChildren(1));
        break;
      case "runFinished":
        if (message.runId !== tree.runId) return;
        clearRunTimers();
        tree.finishRun(message.counts);
        app.classList.toggle("has-sidebar", tree.hasChildren(1));
        overlay.status(undefined);
        delete document.body.dataset.running;
        break;
      case "spinner":
        overlay.showSpinner(message.id, message.html, message.showTime, message.elapsedMs);
        break;
      case "spinnerEnd":
        overlay.endSpinner(message.id);
        break;
    }
  };

  const connect = (): void => {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener("open", () => {
      retryMs = 250;
      overlay.status(undefined);
    });
    ws.addEventListener("message", (event) => {
      for (const message of JSON.parse(String(event.data)) as ServerFrame) {
        try {
          handle(message);
        } catch (error) {
          console.error("cache-resource: could not apply a message", error);
        }
      }
    });
    ws.addEventListener("close", () => {
      if (socket !== ws) return;
      clearRunTimers();
      overlay.clearSpinners();
      overlay.status("Connection lost. Reconnecting…", true);
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    });
  };

  // "r" reruns the script, as in Streamlit (not while typing in a field).
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement | null;
    const typing = target !== null && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    if (event.key === "r" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) send({ type: "rerun" });
  });

  overlay.status("Connecting…");
  connect();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
