import type { ClientMessage, WireValue } from "../protocol.js";

/**
 * Checks what the page sends. The page is ours, so anything unexpected means a broken or hostile
 * client: the caller closes that socket (and only that socket) with the code given here.
 */

/** WebSocket close codes the server uses. */
export const CloseCode = {
  /** Unsupported data: a binary frame. */
  unsupported: 1003,
  /** The message is not valid JSON of a known shape. */
  invalid: 1007,
  /** Too many messages too fast. */
  policy: 1008,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;

/** A parsed message, or why it was refused and the close code to use. */
export type Parsed =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly code: number; readonly reason: string };

/** Widget ids are `kind-<sha256 hex>` (see widgets/id.ts). */
const WIDGET_ID = /^[A-Za-z]{1,20}-[0-9a-f]{64}$/;

/** Parses one frame from the page. */
export function parseClientMessage(data: Buffer | ArrayBuffer | Buffer[] | string, isBinary: boolean): Parsed {
  const fail = (code: number, reason: string): Parsed => ({ ok: false, code, reason });
  if (isBinary) return fail(CloseCode.unsupported, "binary frames are not accepted");
  const text =
    typeof data === "string"
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data).toString("utf8")
        : data instanceof ArrayBuffer
          ? Buffer.from(data).toString("utf8")
          : data.toString("utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(CloseCode.invalid, "not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail(CloseCode.invalid, "not an object");
  const record = raw as Record<string, unknown>;
  const keys = Object.keys(record);
  switch (record.type) {
    case "rerun":
      return keys.length === 1 ? { ok: true, message: { type: "rerun" } } : fail(CloseCode.invalid, "unexpected fields");
    case "widget": {
      if (keys.length !== 3 || !("id" in record) || !("value" in record)) return fail(CloseCode.invalid, "a widget message has type, id and value");
      if (typeof record.id !== "string" || !WIDGET_ID.test(record.id)) return fail(CloseCode.invalid, "bad widget id");
      if (!isWireValue(record.value)) return fail(CloseCode.invalid, "bad widget value");
      return { ok: true, message: { type: "widget", id: record.id, value: record.value } };
    }
    default:
      return fail(CloseCode.invalid, "unknown message type");
  }
}

function isWireValue(value: unknown): value is WireValue {
  // Files arrive over HTTP (server/uploads.ts); on the socket a file widget only sends `null`.
  if (value === null || typeof value === "boolean" || typeof value === "string") return true;
  return typeof value === "number" && Number.isFinite(value);
}
