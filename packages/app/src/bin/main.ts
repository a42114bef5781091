/**
 * `cache-resource run app.ts`: starts the app runtime for one app and prints where it is
 * (loaded by `cli.ts` once V8 is set up).
 */
import { readFileSync } from "node:fs";
import { cacheResource } from "cache-resource";
import { packageFile } from "../package-file.js";
import { startAppServer } from "../server/app-server.js";
import { parseArgs, USAGE, UsageError } from "./args.js";
import { joinAppFleet, type JoinedFleet } from "./fleet.js";

function version(): string {
  const pkg = JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

async function main(): Promise<void> {
  let command;
  try {
    command = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`cache-resource: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === "help") {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === "version") {
    process.stdout.write(`${version()}\n`);
    return;
  }
  let fleet: JoinedFleet | undefined;
  if (command.fleet !== undefined) {
    try {
      fleet = await joinAppFleet(command.fleet.url, command.fleet.name);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`cache-resource: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
  }
  const server = await startAppServer({
    file: command.file,
    port: command.port,
    host: command.host,
    watch: command.watch,
    sessionGraceMs: command.sessionGraceMs,
    allowedOrigins: command.allowedOrigins,
  });
  process.stdout.write(`\n  cache-resource app running: ${command.file}\n\n  Local URL: ${server.url}\n`);
  if (command.host === "0.0.0.0" || command.host === "::") {
    process.stdout.write("  Listening on every network interface: anyone who can reach this machine can open the app.\n");
  }
  for (const origin of command.allowedOrigins) process.stdout.write(`  Also accepting pages served from ${origin}.\n`);
  if (fleet !== undefined) process.stdout.write(`  Fleet: ${fleet.name} (this replica is ${fleet.memberId}); clears reach every replica.\n`);
  process.stdout.write("\n  Press Ctrl+C to stop.\n\n");
  // Ctrl+C or SIGTERM: stop serving, then release every cached resource (runs that hold a lease
  // finish with it first, for at most 10 s) and exit with the signal's status. Another Ctrl+C
  // exits at once.
  let stopping = false;
  const stopServing = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("\n  Stopping (releasing cached resources; Ctrl+C again quits at once)...\n");
    void server.close();
    void fleet?.leave(); // a replica that stops clears nothing elsewhere
  };
  process.on("SIGINT", stopServing);
  process.on("SIGTERM", stopServing);
  cacheResource.releaseOnExit({ timeout: "10s" });
}

export function run(): void {
  main().catch((error: unknown) => {
    process.stderr.write(`cache-resource: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
