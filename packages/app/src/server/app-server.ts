import { existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { basename, dirname, extname, resolve } from "node:path";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import { createTerminalHost, endSession } from "cache-resource";
import { installedHost, setHost } from "cache-resource/host";
import type { CacheHost } from "cache-resource/host";
import { AppHost } from "../host.js";
import { st } from "../index.js";
import type { ServerMessage } from "../protocol.js";
import { buildClientAssets } from "./client-bundle.js";
import { createRequestHandler } from "./http.js";
import { AppLoader } from "./loader.js";
import { CloseCode, parseClientMessage } from "./messages.js";
import { isOwnOrigin, normalizeOrigin, ownHostnames } from "./origin.js";
import { Outbox } from "./outbox.js";
import { TokenBucket } from "./rate-limit.js";
import { handleUpload, UploadTokens } from "./uploads.js";
import { AppSession } from "./session.js";

/** Options of {@link startAppServer}. */
export interface AppServerOptions {
  /** Path of the app module (TypeScript or JavaScript); its default export is the script. */
  file: string;
  /**
   * Port to listen on; `0` picks a free one.
   * @default 8501
   */
  port?: number;
  /**
   * Interface to bind. The default keeps the app private to this machine; `0.0.0.0` exposes it.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Reload the app when one of its files changes, then rerun every session.
   * @default true
   */
  watch?: boolean;
  /**
   * How long a closed tab's session is kept before `endSession` releases its session-scoped cache
   * entries (a reload or a flaky network within this time does not count as leaving).
   * @default 2000
   */
  sessionGraceMs?: number;
  /**
   * Largest message the page may send, in bytes (files do not travel in messages: they are
   * uploaded over HTTP, up to each uploader's `maxBytes`).
   * @default 1 MiB
   */
  maxMessageBytes?: number;
  /**
   * Message rate allowed per socket: a burst of `burst`, refilled at `perSecond`.
   * @default { burst: 60, perSecond: 20 }
   */
  rateLimit?: { burst: number; perSecond: number };
  /**
   * Most bytes held for one page that is not reading what it is sent (a frame in flight plus the
   * newest run's output; older runs' output is dropped while it waits). Past it the connection is
   * dropped and the page reconnects as a new session.
   * @default 8 MiB
   */
  maxSendBacklogBytes?: number;
  /**
   * Extra origins whose pages may open the socket, for an app behind a reverse proxy (the page's
   * origin is then the proxy's). Any page served from such an origin can drive the app as a user
   * would, so list only origins you control; wildcards are refused.
   * @default [] (only the server's own address)
   * @example ["https://app.example.com"]
   */
  allowedOrigins?: readonly string[];
  /** Delay of the cache spinner in ms (tests may shorten it). @default 500 */
  spinnerDelayMs?: number;
  /** Where log lines go. @default console.error for problems, nothing else */
  log?: (line: string) => void;
}

/** A running app server. */
export interface AppServer {
  /** `http://localhost:PORT` (or the bound host). */
  readonly url: string;
  readonly port: number;
  /** Sessions with an open page. */
  readonly sessionCount: number;
  /** Bytes waiting to be sent, over all pages (see `maxSendBacklogBytes`). */
  readonly sendBacklogBytes: number;
  /** Reloads the app module and reruns every session (what a file change does). */
  reload(): Promise<void>;
  /** Closes every page, ends every session (releasing session entries), stops listening. */
  close(): Promise<void>;
}

const DEFAULTS = {
  port: 8501,
  host: "127.0.0.1",
  sessionGraceMs: 2_000,
  maxMessageBytes: 1024 * 1024,
  rateLimit: { burst: 60, perSecond: 20 },
  heartbeatMs: 30_000,
  /** How long a socket the server closed may take to answer the close frame before it is cut. */
  closeHandshakeMs: 1_000,
} as const;

/**
 * Starts the app runtime: serves the page, opens a session per browser tab, runs the app's
 * script for each, and installs the app's cache host (spinner on the page) for this process.
 */
export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const file = resolve(options.file);
  if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`App file not found: ${file}`);
  const log = options.log ?? ((line: string) => console.error(line));
  const graceMs = options.sessionGraceMs ?? DEFAULTS.sessionGraceMs;
  const rate = options.rateLimit ?? DEFAULTS.rateLimit;
  const extraOrigins = new Set((options.allowedOrigins ?? []).map(normalizeOrigin));

  const assets = await buildClientAssets();
  const sessions = new Map<WebSocket, AppSession>();
  const outboxes = new Map<WebSocket, Outbox>();
  /** Sessions whose page closed, waiting out their grace period before `endSession`. */
  const ending = new Map<string, NodeJS.Timeout>();
  let closing = false;
  const loader = new AppLoader(file, (loaded) => {
    if (!loaded.ok) log(`cache-resource: reloading ${basename(file)} failed: ${String(loaded.error)}`);
    for (const session of sessions.values()) session.requestRerun();
  });

  const previousHost = setHost(new AppHost(fallbackHost(installedHost())));
  // The page is served while the app loads (as Streamlit serves it before running a script): a
  // socket is taken once the app has loaded, so every session's first run sees it.
  const loaded = loader.load();
  if (options.watch ?? true) loader.watch();

  const uploads = new UploadTokens();
  const allowedOrigin = (origin: string | undefined): boolean => isOwnOrigin(origin, port, hostnames, extraOrigins);
  const server = createServer(createRequestHandler(assets, titleFor(file), (req, res) => handleUpload(req, res, uploads, allowedOrigin)));
  // The socket layer loads after the server listens (the page needs none of it).
  let sockets: Promise<WebSocketServer> | undefined;
  const socketServer = (): Promise<WebSocketServer> =>
    (sockets ??= Promise.resolve().then(() => {
      const wss = new (loadWs().WebSocketServer)({ noServer: true, maxPayload: options.maxMessageBytes ?? DEFAULTS.maxMessageBytes });
      wss.on("connection", connect);
      return wss;
    }));
  let port = 0;
  let hostnames = new Set<string>();

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if ((req.url ?? "").split("?")[0] !== "/ws") return refuse(socket, 404, "Not Found");
    if (!allowedOrigin(req.headers.origin)) return refuse(socket, 403, "Forbidden");
    void Promise.all([socketServer(), loaded]).then(([wss]) => {
      if (closing || socket.destroyed) return void socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    });
  });

  function connect(ws: WebSocket): void {
    const outbox = new Outbox(
      {
        send: (frame, written) => ws.send(frame, written),
        overflow: (bytes) => {
          log(`cache-resource: a page stopped reading (${bytes} bytes waiting); dropping its connection`);
          ws.terminate();
        },
      },
      options.maxSendBacklogBytes,
    );
    outboxes.set(ws, outbox);
    const send = (message: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) outbox.push(message);
    };
    const session = new AppSession({
      send,
      script: () => loader.current,
      st,
      spinnerDelayMs: options.spinnerDelayMs,
      report: (error) => log(`cache-resource: internal error in session ${session.id}: ${String(error)}`),
    });
    sessions.set(ws, session);
    const bucket = new TokenBucket(rate.burst, rate.perSecond);
    let alive = true;
    ws.on("pong", () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, DEFAULTS.heartbeatMs);
    heartbeat.unref();

    // Once the server decides to close a socket, nothing more from it counts: the session stops at
    // once, later frames are dropped, and a client that never answers the close frame is cut off.
    let shutTimer: NodeJS.Timeout | undefined;
    const shut = (code?: number, reason?: string): void => {
      if (shutTimer !== undefined) return;
      uploads.revoke(uploadToken);
      session.disconnect();
      if (code !== undefined) ws.close(code, reason);
      shutTimer = setTimeout(() => ws.terminate(), DEFAULTS.closeHandshakeMs);
      shutTimer.unref();
    };

    // Files come over HTTP, authorized by this token (server/uploads.ts), and count against the
    // same rate limit as messages.
    const uploadToken = uploads.issue({
      uploadLimit: (id) => session.uploadLimit(id),
      receiveFile: (id, upload) => session.receiveFile(id, upload),
      takeToken: () => bucket.take(),
    });
    send({ type: "hello", uploadToken });

    ws.on("message", (data, isBinary) => {
      if (shutTimer !== undefined) return;
      if (!bucket.take()) return shut(CloseCode.policy, "too many messages");
      const parsed = parseClientMessage(data, isBinary);
      if (!parsed.ok) return shut(parsed.code, parsed.reason);
      const problem = session.receive(parsed.message);
      if (problem !== undefined) shut(CloseCode.invalid, problem.slice(0, 120));
    });
    // A protocol error (an oversized frame: 1009) has already sent its close frame; terminating
    // now would reset the connection under it, and the page would see 1006 instead.
    ws.on("error", () => shut());
    ws.on("close", () => {
      uploads.revoke(uploadToken);
      clearTimeout(shutTimer);
      clearInterval(heartbeat);
      sessions.delete(ws);
      outbox.close();
      outboxes.delete(ws);
      session.disconnect();
      if (closing) return;
      const timer = setTimeout(() => {
        ending.delete(session.id);
        void endSession(session.id);
      }, graceMs);
      ending.set(session.id, timer);
    });
    session.requestRerun();
  }

  await new Promise<void>((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      setHost(previousHost);
      loader.close();
      fail(error.code === "EADDRINUSE" ? new Error(`Port ${options.port ?? DEFAULTS.port} is already in use; pick another with --port.`) : error);
    });
    server.listen(options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host, () => done());
  });
  port = (server.address() as AddressInfo).port;
  void socketServer();
  const bindHost = options.host ?? DEFAULTS.host;
  hostnames = ownHostnames(bindHost);
  const urlHost = bindHost === "127.0.0.1" || bindHost === "0.0.0.0" || bindHost === "::" ? "localhost" : bindHost.includes(":") ? `[${bindHost}]` : bindHost;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    get sessionCount() {
      return sessions.size;
    },
    get sendBacklogBytes() {
      let bytes = 0;
      for (const outbox of outboxes.values()) bytes += outbox.backlogBytes;
      return bytes;
    },
    async reload() {
      await loaded;
      await loader.load();
      for (const session of sessions.values()) session.requestRerun();
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await loaded; // a load under way finishes first (it never fails: a failure is its state)
        loader.close();
        for (const timer of ending.values()) clearTimeout(timer);
        // Open sessions plus those still in their grace period.
        const ids = [...ending.keys(), ...[...sessions.values()].map((s) => s.id)];
        ending.clear();
        for (const ws of sessions.keys()) ws.close(CloseCode.goingAway, "server closing");
        // A page that does not answer the close frame in time is cut off rather than waited for.
        const cutOff = setTimeout(() => {
          for (const ws of sessions.keys()) ws.terminate();
        }, DEFAULTS.closeHandshakeMs);
        if (sockets !== undefined) {
          const wss = await sockets;
          await new Promise<void>((done) => wss.close(() => done()));
        }
        clearTimeout(cutOff);
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await Promise.all(ids.map((id) => endSession(id)));
        setHost(previousHost);
      })();
      return closed;
    },
  };
}

/** The title of the page: the app file's name, or its folder's for `app.ts`/`index.ts`. */
function titleFor(file: string): string {
  const name = basename(file, extname(file));
  return name === "app" || name === "index" || name === "main" ? basename(dirname(file)) : name;
}

/** The host cached functions report to outside a script run (module top level, refreshes). */
function fallbackHost(previous: CacheHost | undefined): CacheHost {
  return previous === undefined || previous instanceof AppHost ? createTerminalHost() : previous;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * `ws` through `require`: it is a CommonJS package, and an `import` of one has Node scan its
 * source for export names (cjs-module-lexer), hot enough at start-up to send the scanner to
 * V8's optimizing compiler, whose first use costs the process about 3 MiB of memory.
 */
function loadWs(): typeof import("ws") {
  return createRequire(import.meta.url)("ws") as typeof import("ws");
}
