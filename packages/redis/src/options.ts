import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { InvalidOptionError, parseTtl, type TtlInput } from "cache-resource";

/** Options of {@link joinFleet}. */
export interface FleetOptions {
  /**
   * The Redis server every member uses: `redis://[user:password@]host[:port][/db]`, or
   * `rediss://…` for TLS.
   * @example "redis://127.0.0.1:6379"
   */
  url: string;
  /**
   * The fleet: processes that join with the same name on the same Redis clear each other's
   * entries. Different apps sharing one Redis take different names.
   * @default the `name` in the nearest package.json above the working directory, else "default"
   * @example "billing-api"
   */
  name?: string;
  /**
   * How long Redis may take to answer before the fleet counts it as down (and says so, once per
   * outage). Callers never wait for it either way. A duration as `ttl` takes it: a number of
   * seconds, or a string such as `"2s"` or `"500ms"`.
   * @default "2s"
   * @example { timeout: "500ms" }
   */
  timeout?: TtlInput;
  /**
   * About how many clears the stream keeps for members that were cut off. A member that missed
   * more than this while away cannot replay them and releases all its entries instead.
   * @default 10000
   * @example { maxLength: 100_000 }
   */
  maxLength?: number;
  /**
   * A secret every member of the fleet shares. Each clear is then signed (HMAC-SHA256 over its
   * fields and the fleet's name), and clears whose signature is missing or wrong are dropped,
   * counted in `status().rejected` and reported once with a warning: a client that can write to
   * the Redis but does not know the secret cannot release anyone's values. Without it, every
   * clear on the stream is applied, as Redis's own access control is the only guard.
   * @example { secret: process.env.FLEET_SECRET }
   */
  secret?: string;
}

/** Options after validation. */
export interface FleetSettings {
  readonly url: string;
  readonly name: string;
  readonly timeoutMs: number;
  readonly maxLength: number;
  readonly secret: string | undefined;
}

/** Checks the options; bad ones throw `InvalidOptionError` saying what is accepted. */
export function resolveFleetOptions(options: FleetOptions): FleetSettings {
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionError("joinFleet", options, "expects an options object", 'joinFleet({ url: "redis://127.0.0.1:6379", name: "my-app" })');
  }
  const { url } = options;
  if (typeof url !== "string" || !/^rediss?:\/\//.test(url) || !parses(url)) {
    throw new InvalidOptionError("url", url, "it must be a redis:// or rediss:// URL", '"redis://127.0.0.1:6379", "rediss://user:password@redis.internal:6380/0"');
  }
  const name = options.name ?? defaultName();
  if (typeof name !== "string" || name === "") {
    throw new InvalidOptionError("name", name, "a fleet name must be a non-empty string", '"my-app"');
  }
  const seconds = options.timeout === undefined ? 2 : parseTtl(options.timeout);
  if (seconds === null || seconds <= 0) {
    throw new InvalidOptionError("timeout", options.timeout, "it must be a positive duration", '"2s", "500ms", 5');
  }
  const maxLength = options.maxLength ?? 10_000;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new InvalidOptionError("maxLength", maxLength, "it must be a positive whole number", "10000");
  }
  const { secret } = options;
  if (secret !== undefined && (typeof secret !== "string" || secret.length < 16)) {
    throw new InvalidOptionError(
      "secret",
      typeof secret === "string" ? `(a string of ${secret.length} characters)` : secret,
      "a fleet secret must be a string of at least 16 characters, the same on every member",
      "process.env.FLEET_SECRET (for example 32 random bytes as hex: openssl rand -hex 32)",
    );
  }
  return { url, name, timeoutMs: Math.ceil(seconds * 1000), maxLength, secret };
}

function parses(url: string): boolean {
  try {
    return new URL(url).hostname !== "" || url.includes("@");
  } catch {
    return false;
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unreadable URL)";
  }
}

function defaultName(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    try {
      const name = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown }).name;
      if (typeof name === "string" && name !== "") return name;
    } catch {
      // no (readable) package.json here
    }
    if (dirname(dir) === dir) return "default";
  }
}
