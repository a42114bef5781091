/**
 * Command-line parsing for `cache-resource`. Pure, so the messages can be tested without starting
 * anything.
 */
import { normalizeOrigin } from "../server/origin.js";

/** What the command line asks for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | {
      readonly kind: "run";
      readonly file: string;
      readonly port: number;
      readonly host: string;
      readonly watch: boolean;
      readonly sessionGraceMs: number;
      /** Extra origins whose pages may open the app's socket (`--allow-origin`, repeatable). */
      readonly allowedOrigins: readonly string[];
      /** `--fleet <redis-url>` (and `--fleet-name`): join a fleet so clears reach every replica. */
      readonly fleet?: { readonly url: string; readonly name?: string };
    };

/** A command line that cannot be run; the message says what to change. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: cache-resource run <app.ts> [options]

Runs a Streamlit-style app: serves the page, reruns the app's default export for every
browser tab on every widget interaction, and reloads the app when its files change.

Options:
  --port <n>        port to listen on (default 8501; 0 picks a free one)
  --host <addr>     interface to bind (default 127.0.0.1; 0.0.0.0 exposes the app to the network)
  --no-watch        do not reload the app when its files change
  --grace-ms <ms>   how long a closed tab's session lives on before its session-scoped
                    cache entries are released (default 2000)
  --allow-origin <origin>
                    also accept the page when it is served from <origin>, e.g. behind a
                    reverse proxy: --allow-origin https://app.example.com (repeatable).
                    Every page of that origin can then drive the app: list only your own.
  --fleet <redis-url>
                    join a fleet of replicas over Redis: a clear in any replica ("Clear
                    all" included) clears them all. Needs @cache-resource/redis:
                    npm install @cache-resource/redis
  --fleet-name <name>
                    the fleet to join (default: the name in the nearest package.json)
  -h, --help        show this help
  -v, --version     show the version

Example:
  npx cache-resource run app.ts --port 8502
`;

/** Parses `argv` (without the node and script paths). Throws {@link UsageError}. */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) return { kind: "help" };
  if (argv.includes("--version") || argv.includes("-v")) return { kind: "version" };
  const [command, ...rest] = argv;
  if (command !== "run") throw new UsageError(`Unknown command ${JSON.stringify(command)}. The only command is \`run <app.ts>\`.`);
  let file: string | undefined;
  let port = 8501;
  let host = "127.0.0.1";
  let watch = true;
  let sessionGraceMs = 2_000;
  const allowedOrigins: string[] = [];
  let fleetUrl: string | undefined;
  let fleetName: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case "--port":
        port = wholeNumber("--port", value(), 0, 65_535);
        break;
      case "--host":
        host = value();
        if (host.trim() === "") throw new UsageError("--host needs an address, e.g. 127.0.0.1 or 0.0.0.0.");
        break;
      case "--no-watch":
        watch = false;
        break;
      case "--grace-ms":
        sessionGraceMs = wholeNumber("--grace-ms", value(), 0, 86_400_000);
        break;
      case "--allow-origin":
        try {
          allowedOrigins.push(normalizeOrigin(value()));
        } catch (error) {
          if (error instanceof UsageError) throw error;
          throw new UsageError(`--allow-origin: ${(error as Error).message}`);
        }
        break;
      case "--fleet":
        fleetUrl = value();
        if (!/^rediss?:\/\/\S+$/.test(fleetUrl)) {
          throw new UsageError(`--fleet takes a Redis URL such as redis://127.0.0.1:6379 (or rediss:// for TLS), got ${JSON.stringify(fleetUrl)}.`);
        }
        break;
      case "--fleet-name":
        fleetName = value();
        if (fleetName.trim() === "") throw new UsageError("--fleet-name needs a name, e.g. my-app.");
        break;
      default:
        if (flag.startsWith("-")) throw new UsageError(`Unknown option ${flag}. Run \`cache-resource --help\` for the options.`);
        if (file !== undefined) throw new UsageError(`Only one app file can be run; got ${JSON.stringify(file)} and ${JSON.stringify(arg)}.`);
        file = arg;
    }
  }
  if (file === undefined) throw new UsageError("Which app? Usage: cache-resource run <app.ts>");
  if (fleetName !== undefined && fleetUrl === undefined) throw new UsageError("--fleet-name needs --fleet <redis-url> too.");
  const fleet = fleetUrl === undefined ? undefined : fleetName === undefined ? { url: fleetUrl } : { url: fleetUrl, name: fleetName };
  return { kind: "run", file, port, host, watch, sessionGraceMs, allowedOrigins, ...(fleet !== undefined && { fleet }) };
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, got ${JSON.stringify(text)}.`);
  return n;
}
