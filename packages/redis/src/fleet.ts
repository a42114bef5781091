/**
 * One process's membership of a fleet: it sends the clears made here to a Redis stream and
 * applies the clears other members add to it.
 *
 * Two connections: one blocks in XREAD waiting for clears, the other sends (XADD, the clears
 * waiting at that moment in one MULTI) and never waits on anything slow. Neither is ever awaited by a caller of a cached function or of
 * `clear`: clears made here go to an outbox that is sent in order when Redis answers.
 *
 * Position. The member remembers the id of the last entry it read and the stream's count of
 * entries added up to it. When it (re)connects it checks that nothing after that position was
 * lost: Redis's data is the same (an epoch key it set is still there), and the entries removed
 * from the front of the stream (`entries-added` − `length`) are no more than it had read. On
 * Redis 7.0 `max-deleted-entry-id` can stay `0-0` after XTRIM, so it is not used. When something
 * may have been lost, the member releases every entry it holds and reads the stream from its
 * start; otherwise it reads on from its position (those clears count as `replayed`).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { createClient } from "@redis/client";
import { clearableFunctions, clearAllFromFleet, emitCacheEvent, onClear, type ClearableFunction, type ClearNotice, type FunctionOrigin } from "cache-resource/fleet";
import { fleetId } from "./fleet-id.js";
import { entriesOfRead, fieldsOf, idBefore, messageOf, parseFields, signedBy, streamInfoOf, type ClearMessage, type StreamEntry } from "./messages.js";
import { redact, type FleetSettings } from "./options.js";

/** What {@link Fleet.status} reports. */
export interface FleetStatus {
  /** Redis answers and this member's position in the stream is known. */
  readonly connected: boolean;
  /** Id of the last stream entry read (`"0-0"` before any). */
  readonly lastId: string;
  /** Clears made here and added to the stream. */
  readonly sent: number;
  /** Clears of other members applied here (replayed ones included). */
  readonly received: number;
  /** Of those, the clears read on reconnecting: made while this member was cut off. */
  readonly replayed: number;
  /** Clears made here and not sent yet (Redis down or slow). */
  readonly pending: number;
  /** Clears dropped because their signature was missing or wrong (only with the `secret` option). */
  readonly rejected: number;
}

/** A process's membership of a fleet. */
export interface Fleet {
  /** This member's id, carried by its clears (`senderId` of `fleet` events elsewhere). */
  readonly memberId: string;
  /** The fleet's name. */
  readonly name: string;
  /** Counters and connection state. */
  status(): FleetStatus;
  /**
   * Stops sending and receiving clears: clears are local again. Clears not sent yet get up to
   * the `timeout` option to go out. Cached entries stay. Never rejects.
   */
  leave(): Promise<void>;
}

type Client = ReturnType<typeof createClient>;

/** Reader's XREAD BLOCK time: also how often a quiet member hears from Redis. */
const BLOCK_MS = 1_000;
/** Entries read per XREAD. */
const READ_COUNT = 256;
/** Wait between tries while Redis is unreachable. */
const RETRY_MS = 50;
/** Clears sent in one round trip at most. */
const MAX_BATCH = 256;
/** Clears kept while Redis is down; past this they become one clear of everything. */
const MAX_OUTBOX = 10_000;

export class FleetMember implements Fleet {
  readonly memberId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly name: string;

  readonly #settings: FleetSettings;
  readonly #stream: string;
  readonly #epochKey: string;
  readonly #writer: Client;
  readonly #reader: Client;
  readonly #stopListening: () => void;
  readonly #fleetIds = new WeakMap<FunctionOrigin, string>();
  /** Highest sequence number seen per sender (a retried send may arrive twice). */
  readonly #seen = new Map<string, number>();

  #outbox: ClearMessage[] = [];
  #seq = 0;
  #sending = false;
  #left = false;
  #readLoop: Promise<void> = Promise.resolve();

  #lastId = "0-0";
  /** `entries-added` of the stream up to and including `#lastId`. */
  #added = 0;
  #epoch: string | undefined;
  /** The position is valid for the reader's current connection. */
  #synced = false;
  /** Joining: the first sync positions the member without releasing anything. */
  #joining = true;
  /** Entries up to this id were made while the member was cut off. */
  #replayUntil = "0-0";

  #down = false;
  #upSince = 0;
  #sent = 0;
  #received = 0;
  #replayed = 0;
  #rejected = 0;

  constructor(settings: FleetSettings) {
    this.#settings = settings;
    this.name = settings.name;
    this.#stream = `cache-resource:fleet:${settings.name}`;
    this.#epochKey = `${this.#stream}:epoch`;
    this.#writer = createClient({
      url: settings.url,
      name: `cache-resource-fleet:${this.memberId}`, // CLIENT LIST shows whose connection it is
      disableOfflineQueue: true,
      socket: { connectTimeout: settings.timeoutMs, reconnectStrategy: (retries: number) => Math.min(25 * 2 ** retries, 1_000) },
    });
    this.#reader = this.#writer.duplicate();
    for (const client of [this.#writer, this.#reader]) client.on("error", (error: unknown) => this.#problem(error));
    this.#stopListening = onClear((notice) => this.#enqueue(notice));
  }

  /** Connects and takes the stream's current end as its position, waiting at most `timeout`. */
  async start(): Promise<void> {
    for (const client of [this.#writer, this.#reader]) client.connect().catch((error: unknown) => this.#problem(error));
    this.#readLoop = this.#read();
    const joined = await this.#until(() => this.#synced, this.#settings.timeoutMs);
    this.#joining = false;
    if (!joined) this.#problem(new Error(`no answer within ${this.#settings.timeoutMs} ms while joining`));
  }

  status(): FleetStatus {
    return {
      connected: !this.#left && !this.#down && this.#synced && this.#writer.isReady && this.#reader.isReady,
      lastId: this.#lastId,
      sent: this.#sent,
      received: this.#received,
      replayed: this.#replayed,
      pending: this.#outbox.length,
      rejected: this.#rejected,
    };
  }

  async leave(): Promise<void> {
    if (this.#left) return;
    this.#stopListening();
    const flushed = await this.#until(() => this.#outbox.length === 0, this.#settings.timeoutMs);
    if (!flushed) warn(`fleet "${this.name}" left with ${this.#outbox.length} clear(s) not sent (Redis did not take them in time)`);
    this.#left = true;
    this.#writer.destroy();
    this.#reader.destroy();
    await this.#readLoop;
  }

  // ── sending ─────────────────────────────────────────────────────────────────────────────

  #enqueue(notice: ClearNotice): void {
    if (this.#left) return;
    if (this.#outbox.length >= MAX_OUTBOX) {
      // Too many to keep: one clear of everything stands for all of them (the head may be in flight).
      this.#outbox.splice(1);
      notice = { scope: "all" };
    }
    this.#outbox.push(messageOf(notice, this.memberId, ++this.#seq));
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (!this.#left && this.#outbox.length > 0) {
        if (!this.#writer.isReady) {
          await this.#until(() => this.#writer.isReady || this.#left, RETRY_MS);
          continue;
        }
        // Everything waiting goes in one round trip: a transaction, so a batch is added whole or
        // not at all (a batch retried after a lost reply is skipped by sequence number).
        const batch = this.#outbox.slice(0, MAX_BATCH);
        const maxLength = String(this.#settings.maxLength);
        const xadd = (message: ClearMessage) => ["XADD", this.#stream, "MAXLEN", "~", maxLength, "*", ...fieldsOf(message, this.name, this.#settings.secret)];
        try {
          if (batch.length === 1) await this.#watch(this.#writer.sendCommand(xadd(batch[0]!)), "sending a clear");
          else {
            const transaction = this.#writer.multi();
            for (const message of batch) transaction.addCommand(xadd(message));
            await this.#watch(transaction.exec(), "sending clears");
          }
          this.#outbox.splice(0, batch.length);
          this.#sent += batch.length;
          this.#healthy();
        } catch (error) {
          if (this.#left) return;
          this.#problem(error);
          await sleep(RETRY_MS);
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  // ── receiving ───────────────────────────────────────────────────────────────────────────

  async #read(): Promise<void> {
    while (!this.#left) {
      if (!this.#reader.isReady) {
        this.#synced = false;
        await this.#until(() => this.#reader.isReady || this.#left, RETRY_MS);
        continue;
      }
      try {
        if (!this.#synced) await this.#sync();
        const command = ["XREAD", "COUNT", String(READ_COUNT), "BLOCK", String(BLOCK_MS), "STREAMS", this.#stream, this.#lastId];
        const reply = await this.#watch(this.#reader.sendCommand(command), "waiting for clears", BLOCK_MS);
        this.#healthy();
        for (const entry of entriesOfRead(reply)) this.#apply(entry);
      } catch (error) {
        if (this.#left) return;
        this.#synced = false;
        this.#problem(error);
        await sleep(RETRY_MS);
      }
    }
  }

  /** Finds where to read from after (re)connecting; releases everything if clears may be lost. */
  async #sync(): Promise<void> {
    const send = (args: string[]) => this.#watch(this.#reader.sendCommand(args), "checking the stream");
    await send(["SET", this.#epochKey, randomUUID(), "NX"]);
    const epoch = String(await send(["GET", this.#epochKey]));
    let info = { lastGeneratedId: "0-0", entriesAdded: 0, length: 0 };
    try {
      info = streamInfoOf(await send(["XINFO", "STREAM", this.#stream]));
    } catch (error) {
      if (!/no such key/i.test(String((error as Error)?.message))) throw error;
    }
    const removed = info.entriesAdded - info.length;
    const blind = !this.#joining && this.#epoch === undefined;
    let lost: string | undefined;
    if (this.#joining || blind) lost = undefined;
    else if (epoch !== this.#epoch) lost = "Redis lost its data (restarted without persistence, or flushed)";
    else if (info.entriesAdded < this.#added) lost = "the stream was deleted";
    else if (removed > this.#added) lost = "the stream was trimmed past this member's position";
    this.#epoch = epoch;
    if (this.#joining || blind) {
      if (blind) {
        warn(`fleet "${this.name}": this process joined while Redis was unreachable, so clears made elsewhere meanwhile are unknown; releasing every cached entry`);
        await clearAllFromFleet();
      }
      this.#position(info.lastGeneratedId, info.entriesAdded);
    } else if (lost !== undefined) {
      // Everything held may have been cleared elsewhere; then every clear still in the stream.
      warn(`fleet "${this.name}": clears made while this process was cut off cannot be replayed (${lost}); releasing every cached entry`);
      await clearAllFromFleet();
      this.#position("0-0", removed);
    }
    this.#replayUntil = info.lastGeneratedId;
    this.#synced = true;
  }

  #position(lastId: string, added: number): void {
    this.#lastId = lastId;
    this.#added = added;
  }

  #apply(entry: StreamEntry): void {
    this.#position(entry.id, this.#added + 1);
    const message = parseFields(entry.fields);
    if (message === undefined || message.sender === this.memberId) return;
    const secret = this.#settings.secret;
    if (secret !== undefined && !signedBy(entry.fields, this.name, secret)) {
      if (this.#rejected++ === 0) {
        warn(`fleet "${this.name}": dropped a clear from "${message.sender}" whose signature is missing or wrong; every member must join with the same secret (status().rejected counts them)`);
      }
      return;
    }
    if ((this.#seen.get(message.sender) ?? 0) >= message.seq) return;
    this.#seen.delete(message.sender); // re-inserted last: the oldest senders are dropped first
    this.#seen.set(message.sender, message.seq);
    if (this.#seen.size > 10_000) this.#seen.delete(this.#seen.keys().next().value!);
    this.#received++;
    if (!idBefore(this.#replayUntil, entry.id)) this.#replayed++;
    if (message.scope === "all") void clearAllFromFleet();
    else {
      for (const fn of this.#targets(message)) void fn.clear(message.scope === "entry" ? message.key : undefined);
    }
    emitCacheEvent(() => ({
      type: "fleet",
      senderId: message.sender,
      scope: message.scope,
      functionName: message.displayName,
      sessionId: undefined,
      at: Date.now(),
    }));
  }

  /**
   * The functions a received clear is for: those of its fleet identity; when several are (equal
   * text, or one minified name in two scopes of a bundle), the one wrapped where the sender's
   * was. When none was wrapped there (another build), all of them: clearing one too many is
   * safe, keeping a value cleared elsewhere is not.
   */
  #targets(message: ClearMessage): ClearableFunction[] {
    const same = clearableFunctions().filter((fn) => this.#fleetIdOf(fn.origin) === message.fn);
    if (same.length < 2 || message.at === "") return same;
    const there = same.filter((fn) => fn.origin.position === message.at);
    return there.length > 0 ? there : same;
  }

  #fleetIdOf(origin: FunctionOrigin): string {
    let id = this.#fleetIds.get(origin);
    if (id === undefined) this.#fleetIds.set(origin, (id = fleetId(origin)));
    return id;
  }

  // ── health ──────────────────────────────────────────────────────────────────────────────

  /** `promise`, reporting Redis as down if it has not answered within the timeout (plus `extraMs`). */
  #watch<T>(promise: Promise<T>, what: string, extraMs = 0): Promise<T> {
    const ms = this.#settings.timeoutMs + extraMs;
    const timer = setTimeout(() => this.#problem(new Error(`no answer within ${ms} ms while ${what}`)), ms);
    timer.unref();
    return promise.finally(() => clearTimeout(timer));
  }

  #healthy(): void {
    if (this.#down && this.#writer.isReady && this.#reader.isReady) {
      this.#down = false;
      this.#upSince = Date.now();
    }
  }

  /** Reports trouble once per outage (flaps within a timeout of recovering are the same outage). */
  #problem(error: unknown): void {
    if (this.#left || this.#down) return;
    this.#down = true;
    if (this.#upSince !== 0 && Date.now() - this.#upSince < this.#settings.timeoutMs) return;
    const detail = error instanceof Error ? error.message : String(error);
    warn(`fleet "${this.name}": Redis at ${redact(this.#settings.url)} is unreachable (${detail}); caching goes on locally and clears made meanwhile are sent when it is back`);
    emitCacheEvent(() => ({ type: "error", phase: "fleet", error, functionName: "*", sessionId: undefined, at: Date.now() }));
  }

  /** Resolves true once `done()` holds, false after `ms` (checked every few milliseconds). */
  async #until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(RETRY_MS, 10 + deadline - Date.now()));
    }
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function warn(message: string): void {
  process.emitWarning(`cache-resource: ${message}`, { code: "CACHE_RESOURCE_FLEET" });
}
