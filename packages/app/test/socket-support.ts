import { randomBytes } from "node:crypto";
import { connect as tcpConnect, type Socket } from "node:net";
import WebSocket from "ws";
import type { ServerFrame, ServerMessage } from "../src/protocol.js";
import type { AppServer } from "../src/server/app-server.js";

/** WebSocket clients for the server tests: a well-behaved one (`ws`) and a hostile raw one. */

export interface Client {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: { code: number; reason: string } | undefined;
  refusedWith: number | undefined;
}

/** Opens a socket to `server` with `origin` as the Origin header (`null`: none at all). */
export function connect(server: AppServer, origin: string | null = server.url): Client {
  const ws = new WebSocket(`${server.url.replace("http:", "ws:")}/ws`, origin === null ? {} : { origin });
  const client: Client = { ws, messages: [], closed: undefined, refusedWith: undefined };
  ws.on("message", (data) => client.messages.push(...(JSON.parse(String(data)) as ServerFrame)));
  ws.on("close", (code, reason) => (client.closed = { code, reason: String(reason) }));
  ws.on("unexpected-response", (_req, res) => {
    client.refusedWith = res.statusCode;
    ws.terminate();
  });
  ws.on("error", () => {});
  return client;
}

/** How many runs `client` has seen finish. */
export const finishedRuns = (client: { messages: ServerMessage[] }): number => client.messages.filter((m) => m.type === "runFinished").length;

/**
 * A client written straight on TCP that does what a browser never does: it ignores the server's
 * close frame (never answers it) and keeps writing frames. `send` puts several frames in one
 * write, so the server reads them in one chunk.
 */
export interface RawClient {
  readonly messages: ServerMessage[];
  /** The close code the server sent, if it did. */
  readonly closeCode: number | undefined;
  /** True once the server ended the TCP connection. */
  readonly ended: boolean;
  /** Sends text frames, all in one write. */
  send(...texts: string[]): void;
  destroy(): void;
}

export async function rawConnect(server: AppServer, origin = server.url): Promise<RawClient> {
  const socket: Socket = tcpConnect(server.port, "127.0.0.1");
  socket.on("error", () => {});
  let buffer: Buffer = Buffer.alloc(0);
  let upgraded = false;
  const state = { messages: [] as ServerMessage[], closeCode: undefined as number | undefined, ended: false };
  socket.on("close", () => (state.ended = true));
  const opened = new Promise<void>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString("latin1");
        if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(`handshake refused: ${head.split("\r\n")[0]}`));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve();
      }
      buffer = readFrames(buffer, state);
    });
    socket.on("close", () => reject(new Error("closed before the handshake")));
  });
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
  );
  await opened;
  return {
    get messages() {
      return state.messages;
    },
    get closeCode() {
      return state.closeCode;
    },
    get ended() {
      return state.ended;
    },
    send(...texts) {
      if (!socket.destroyed) socket.write(Buffer.concat(texts.map((t) => maskedFrame(1, Buffer.from(t)))));
    },
    destroy() {
      socket.destroy();
    },
  };
}

/** Parses the complete (unmasked, unfragmented) server frames in `buffer`; returns the rest. */
function readFrames(buffer: Buffer, state: { messages: ServerMessage[]; closeCode: number | undefined }): Buffer {
  for (;;) {
    if (buffer.length < 2) return buffer;
    const opcode = buffer[0]! & 0x0f;
    let length = buffer[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buffer.length < 4) return buffer;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return buffer;
      length = Number(buffer.readBigUInt64BE(2));
      offset = 10;
    }
    if (buffer.length < offset + length) return buffer;
    const payload = buffer.subarray(offset, offset + length);
    if (opcode === 1) state.messages.push(...(JSON.parse(payload.toString("utf8")) as ServerFrame));
    if (opcode === 8 && payload.length >= 2) state.closeCode = payload.readUInt16BE(0);
    buffer = buffer.subarray(offset + length);
  }
}

/** A client frame (clients must mask). */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const head = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (length < 126) head[1] = 0x80 | length;
  else if (length < 65_536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}
