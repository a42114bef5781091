/**
 * Test support for fleets: a private `redis-server` on a free loopback port (no persistence),
 * copies of the fixture app in temporary directories, and member processes driven over IPC.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@redis/client";
import { findProgram, skipWithout } from "../../core/test/support/programs.js";

export const redisServer = findProgram(["redis-server"]);
export const skipNoRedis = skipWithout(redisServer, "redis-server", "apt-get install redis-server");

const FIXTURE = fileURLToPath(new URL("./fixtures/app", import.meta.url));
const WORKSPACE_MODULES = resolve(fileURLToPath(new URL("../../../node_modules", import.meta.url)));

/** Polls `check` until it returns something other than undefined/false; fails after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A redis-server of the test's own. */
export class TestRedis {
  #proc: ChildProcess | undefined;
  readonly port: number;
  readonly url: string;
  #admin: ReturnType<typeof createClient> | undefined;

  private constructor(port: number) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.launch();
    return redis;
  }

  async launch(): Promise<void> {
    const proc = spawn(redisServer!, ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    this.#proc = proc;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = createClient({ url: this.url, socket: { reconnectStrategy: false } });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        await probe.sendCommand(["PING"]);
        probe.destroy();
        return;
      } catch {
        probe.destroy();
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error("redis-server did not start");
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  /** A connection for the test's own commands (XTRIM, CLIENT KILL…). */
  async command(args: string[]): Promise<unknown> {
    if (this.#admin === undefined || !this.#admin.isReady) {
      this.#admin?.destroy();
      this.#admin = createClient({ url: this.url, socket: { reconnectStrategy: false } });
      this.#admin.on("error", () => undefined);
      await this.#admin.connect();
    }
    return this.#admin.sendCommand(args);
  }

  /** Closes the connections of one fleet member (named `cache-resource-fleet:<memberId>`). */
  async disconnect(memberId: string): Promise<number> {
    const list = String(await this.command(["CLIENT", "LIST"]));
    const ids = list
      .split("\n")
      .filter((line) => line.includes(`name=cache-resource-fleet:${memberId} `))
      .map((line) => /\bid=(\d+)/.exec(line)![1]!);
    for (const id of ids) await this.command(["CLIENT", "KILL", "ID", id]);
    return ids.length;
  }

  pause(): void {
    this.#proc?.kill("SIGSTOP");
  }

  resume(): void {
    this.#proc?.kill("SIGCONT");
  }

  /** SIGKILL, waiting until the process is gone (its data goes with it). */
  async kill(): Promise<void> {
    const proc = this.#proc;
    this.#admin?.destroy();
    this.#admin = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGCONT");
    proc.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}

/** A copy of the fixture app in a fresh temporary directory, resolving packages from the workspace. */
export function copyApp(): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), "fleet-app-"));
  const dir = join(root, "app");
  cpSync(FIXTURE, dir, { recursive: true });
  symlinkSync(WORKSPACE_MODULES, join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

interface Message {
  readonly ev?: string;
  readonly reply?: number;
  readonly [field: string]: unknown;
}

/** One member process of the fixture app, with everything it reported. */
export class Member {
  readonly name: string;
  readonly messages: Message[] = [];
  memberId = "";
  #proc: ChildProcess;
  #seq = 0;

  private constructor(name: string, proc: ChildProcess) {
    this.name = name;
    this.#proc = proc;
    proc.on("message", (message: Message) => this.messages.push(message));
  }

  /** `secret`: the member joins with that fleet secret. */
  static async start(name: string, dir: string, url: string, fleet: string, secret?: string): Promise<Member> {
    const proc = fork(join(dir, "member.mjs"), [], {
      cwd: dir,
      env: { ...process.env, MEMBER: name, FLEET_URL: url, FLEET_NAME: fleet, ...(secret !== undefined && { FLEET_SECRET: secret }) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: ["--no-warnings"], // still emitted as "warning" events, which the member reports
    });
    const member = new Member(name, proc);
    const ready = await waitFor(`${name} to join`, () => member.messages.find((m) => m.ev === "ready"));
    member.memberId = String(ready.memberId);
    return member;
  }

  /** Sends an operation and waits for its answer. */
  async do(op: string, fields: Record<string, unknown> = {}): Promise<unknown> {
    const seq = ++this.#seq;
    this.#proc.send({ op, seq, ...fields });
    const reply = await waitFor(`${this.name} to answer ${op}`, () => this.messages.find((m) => m.reply === seq));
    if (reply.error !== undefined) throw new Error(`${this.name}: ${String(reply.error)}`);
    return reply.result;
  }

  call(fn: string, ...args: unknown[]): Promise<string> {
    return this.do("call", { fn, args }) as Promise<string>;
  }

  clear(fn: string, ...args: unknown[]): Promise<unknown> {
    return this.do("clear", { fn, args });
  }

  async status(): Promise<{ connected: boolean; lastId: string; sent: number; received: number; replayed: number; pending: number; rejected: number }> {
    return (await this.do("status")) as never;
  }

  events(ev: string): Message[] {
    return this.messages.filter((m) => m.ev === ev);
  }

  releasesOf(id: string): Message[] {
    return this.messages.filter((m) => m.ev === "release" && m.id === id);
  }

  /** Every value created here was released at most once; `all`: exactly once. */
  releasedAtMostOnce(): void {
    const counts = new Map<unknown, number>();
    for (const m of this.events("release")) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
    const created = new Set(this.events("created").map((m) => m.id));
    for (const [id, count] of counts) {
      if (count !== 1) throw new Error(`${this.name}: ${String(id)} released ${count} times`);
      if (!created.has(id)) throw new Error(`${this.name}: released ${String(id)}, which it never created`);
    }
  }

  /** After a local clear of everything: every value created here was released exactly once. */
  async releasesEverythingExactlyOnce(): Promise<void> {
    await this.do("clearAll");
    const created = this.events("created").map((m) => m.id);
    await waitFor(`${this.name} to release all it created`, () => created.every((id) => this.releasesOf(String(id)).length > 0));
    this.releasedAtMostOnce();
  }

  signal(signal: NodeJS.Signals): void {
    this.#proc.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.#proc.exitCode !== null || this.#proc.signalCode !== null) return;
    const exited = new Promise((r) => this.#proc.once("exit", r));
    this.#proc.kill("SIGCONT");
    this.#proc.kill("SIGKILL");
    await exited;
  }
}
