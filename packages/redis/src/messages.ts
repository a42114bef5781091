/**
 * Clear messages as stream entries, and the shapes of Redis replies the fleet reads. Replies are
 * read whether the connection speaks RESP2 (flat arrays) or RESP3 (maps).
 *
 * An entry's fields: `s` sender id, `q` the sender's sequence number (receivers skip a number
 * they have seen: a send retried after a lost reply arrives twice), `c` scope (`all`,
 * `function`, `entry`), `f` fleet identity of the function, `k` the entry's key text, `d` the
 * function's display name (for events and logs), `a` where the function was wrapped
 * (`line:column`; empty for functions identified by their `name` option), and `h` the
 * signature when the fleet has a secret.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ClearNotice } from "cache-resource/fleet";
import { fleetId } from "./fleet-id.js";

/** A clear as it travels. */
export interface ClearMessage {
  readonly sender: string;
  readonly seq: number;
  readonly scope: "all" | "function" | "entry";
  readonly fn: string;
  readonly key: string;
  readonly displayName: string;
  /**
   * Where the sender wrapped the function (`line:column`), or "" when unknown or named: among
   * several functions of one fleet identity, a receiver clears the one wrapped at the same place.
   */
  readonly at: string;
}

/** The message for a clear made here. */
export function messageOf(notice: ClearNotice, sender: string, seq: number): ClearMessage {
  if (notice.scope === "all") return { sender, seq, scope: "all", fn: "", key: "", displayName: "*", at: "" };
  const fn = fleetId(notice.origin);
  const key = notice.scope === "entry" ? notice.key : "";
  const at = notice.origin.name === undefined ? (notice.origin.position ?? "") : "";
  return { sender, seq, scope: notice.scope, fn, key, displayName: notice.origin.displayName, at };
}

/** XADD's field/value list; signed (field `h`) when `secret` is given. */
export function fieldsOf(message: ClearMessage, fleet: string, secret: string | undefined): string[] {
  const fields = ["s", message.sender, "q", String(message.seq), "c", message.scope, "f", message.fn, "k", message.key, "d", message.displayName, "a", message.at];
  return secret === undefined ? fields : [...fields, "h", signatureOf(fields, fleet, secret)];
}

/**
 * Whether an entry's fields carry a valid signature under `secret`. Every field but `h` is
 * signed, in the order written, with the fleet's name: no field can be changed, added or
 * dropped, and an entry copied into another fleet's stream does not verify there.
 */
export function signedBy(fields: Record<string, string>, fleet: string, secret: string): boolean {
  const { h, ...rest } = fields;
  if (h === undefined || !/^[0-9a-f]{64}$/.test(h)) return false;
  const expected = Buffer.from(signatureOf(Object.entries(rest).flat(), fleet, secret), "hex");
  return timingSafeEqual(expected, Buffer.from(h, "hex"));
}

function signatureOf(fields: readonly string[], fleet: string, secret: string): string {
  return createHmac("sha256", secret).update(JSON.stringify([fleet, ...fields])).digest("hex");
}

/** A message from an entry's fields, or undefined for an entry this version does not understand. */
export function parseFields(fields: Record<string, string>): ClearMessage | undefined {
  const { s, q, c, f, k, d, a } = fields;
  if (s === undefined || q === undefined || (c !== "all" && c !== "function" && c !== "entry")) return undefined;
  const seq = Number(q);
  if (!Number.isSafeInteger(seq)) return undefined;
  if (c !== "all" && (f === undefined || f === "")) return undefined;
  if (c === "entry" && k === undefined) return undefined;
  return { sender: s, seq, scope: c, fn: f ?? "", key: k ?? "", displayName: d ?? (c === "all" ? "*" : f ?? ""), at: a ?? "" };
}

/** One stream entry: its id and fields. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Record<string, string>;
}

/** The entries of an XREAD reply for one stream (empty for a timeout). */
export function entriesOfRead(reply: unknown): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  // RESP3: { [stream]: entries }; RESP2: [[stream, entries]].
  const streams = Array.isArray(reply) ? reply.map((pair) => (pair as unknown[])[1]) : Object.values(recordOf(reply));
  const entries: StreamEntry[] = [];
  for (const list of streams) {
    for (const item of (list ?? []) as unknown[]) {
      const [id, fields] = item as [unknown, unknown];
      entries.push({ id: String(id), fields: stringRecord(fields) });
    }
  }
  return entries;
}

/** What the fleet needs from XINFO STREAM. */
export interface StreamInfo {
  readonly lastGeneratedId: string;
  /** Entries ever added (Redis ≥ 7.0). */
  readonly entriesAdded: number;
  readonly length: number;
}

export function streamInfoOf(reply: unknown): StreamInfo {
  const info = recordOf(reply);
  return {
    lastGeneratedId: String(info["last-generated-id"] ?? "0-0"),
    entriesAdded: Number(info["entries-added"] ?? 0),
    length: Number(info["length"] ?? 0),
  };
}

/** A RESP3 map (plain object or Map) or a RESP2 flat array of pairs, as a plain object. */
function recordOf(reply: unknown): Record<string, unknown> {
  if (reply instanceof Map) return Object.fromEntries([...reply].map(([k, v]) => [String(k), v]));
  if (Array.isArray(reply)) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
    return out;
  }
  return typeof reply === "object" && reply !== null ? (reply as Record<string, unknown>) : {};
}

function stringRecord(fields: unknown): Record<string, string> {
  const record = recordOf(fields);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) out[k] = String(v);
  return out;
}

/** Whether `a` < `b` as stream ids (`ms-seq`). */
export function idBefore(a: string, b: string): boolean {
  const [am = 0n, as = 0n] = a.split("-").map((x) => BigInt(x));
  const [bm = 0n, bs = 0n] = b.split("-").map((x) => BigInt(x));
  return am < bm || (am === bm && as < bs);
}
