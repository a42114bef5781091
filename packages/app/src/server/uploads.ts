import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tooLargeMessage } from "../widgets/format-bytes.js";
import type { UploadedFile } from "../widgets/specs.js";

/**
 * File uploads, over HTTP rather than the socket: a file of any allowed size arrives as raw bytes
 * (no base64, no message size limit to trip over), and a file that is too large is refused with a
 * `413` the page shows under the widget, while the socket — and so the session — carries on.
 *
 * `POST /upload?widget=<id>` with the file as the body. The request names its session by the
 * upload token the page received over its socket (header `x-upload-token`): random, per socket,
 * forgotten when the socket closes. Another site's page can neither read the token nor pass the
 * origin check, so it cannot upload into someone's session.
 */

/** How long the rest of a refused upload is read (and dropped) before the connection is cut. */
const DRAIN_MS = 5_000;

/** Header carrying the session's upload token. */
export const TOKEN_HEADER = "x-upload-token";
/** Header carrying the file's name, URI-encoded (a header cannot hold every character). */
export const NAME_HEADER = "x-file-name";

/** What an upload needs from the session it targets. */
export interface UploadTarget {
  /** The largest file widget `id` takes, or a reason it takes none (unknown, disabled, not a file widget). */
  uploadLimit(id: string): number | { readonly problem: string };
  /** Hands a received file to widget `id` (and reruns the script); a problem when it was refused. */
  receiveFile(id: string, file: UploadedFile): string | undefined;
  /** Counts a message against the socket's rate limit; false when it is exhausted. */
  takeToken(): boolean;
}

/** Upload tokens of the open sockets. */
export class UploadTokens {
  readonly #targets = new Map<string, UploadTarget>();

  /** A new token for `target`, valid until {@link UploadTokens.revoke}. */
  issue(target: UploadTarget): string {
    const token = randomBytes(24).toString("base64url");
    this.#targets.set(token, target);
    return token;
  }

  revoke(token: string): void {
    this.#targets.delete(token);
  }

  get(token: string | undefined): UploadTarget | undefined {
    return token === undefined ? undefined : this.#targets.get(token);
  }
}

/**
 * Handles `POST /upload`. `allowedOrigin` is the socket's origin check: only the app's own page
 * (or an origin allowed with `--allow-origin`) may upload.
 */
export function handleUpload(req: IncomingMessage, res: ServerResponse, tokens: UploadTokens, allowedOrigin: (origin: string | undefined) => boolean): void {
  const refuse = (status: number, text: string): void => {
    if (res.headersSent) return;
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), connection: "close" });
    res.end(text);
    // The body may still be arriving. Closing at once would reset the connection and the client
    // could lose this answer; read the rest and drop it, for a while, then cut the connection.
    req.resume();
    const cut = setTimeout(() => req.socket.destroy(), DRAIN_MS);
    cut.unref();
    req.socket.once("close", () => clearTimeout(cut));
  };
  if (!allowedOrigin(req.headers.origin)) return refuse(403, "Uploads are accepted from the app's own page only.");
  const header = req.headers[TOKEN_HEADER];
  const target = tokens.get(typeof header === "string" ? header : undefined);
  if (target === undefined) return refuse(403, "This page's session has ended; reload the page to upload.");
  if (!target.takeToken()) return refuse(429, "Too many requests; try again in a moment.");
  const widgetId = new URL(req.url ?? "/", "http://localhost").searchParams.get("widget") ?? "";
  const limit = target.uploadLimit(widgetId);
  if (typeof limit !== "number") return refuse(409, `Upload refused: ${limit.problem}.`);
  const name = fileName(req.headers[NAME_HEADER]);
  if (name === undefined) return refuse(400, "The file name is missing or too long.");
  const type = String(req.headers["content-type"] ?? "").slice(0, 200);
  const tooLarge = (): void => refuse(413, tooLargeMessage(name, limit));
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return tooLarge();

  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > limit) {
      refused = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    const bytes = new Uint8Array(Buffer.concat(chunks, size));
    const problem = target.receiveFile(widgetId, { name, type, size, bytes });
    if (problem !== undefined) return refuse(409, `Upload refused: ${problem}.`);
    res.writeHead(204);
    res.end();
  });
  req.on("error", () => (refused = true));
}

function fileName(raw: string | string[] | undefined): string | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return name.length <= 1_000 ? name : undefined;
}
