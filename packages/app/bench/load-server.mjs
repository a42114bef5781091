/**
 * The server side of `npm run load`, in its own process so its CPU time is its own: the app
 * runtime from the package build, on a free loopback port, with the per-socket rate limit lifted
 * (the load clients rerun as fast as the server answers). Prints `{"url":…}` once listening;
 * answers "stats" on the IPC channel with its CPU time and memory.
 */
import { tuneTiering } from "../dist/server/tiering.js";

tuneTiering(); // as the `cache-resource` command does, before the runtime loads
const { startAppServer } = await import("../dist/server/app-server.js");

const file = process.argv[2];
if (file === undefined) throw new Error("usage: load-server.mjs <app file>");
const server = await startAppServer({
  file,
  port: 0,
  host: "127.0.0.1",
  watch: false,
  rateLimit: { burst: 1e9, perSecond: 1e9 },
  log: (line) => process.stderr.write(line + "\n"),
});
process.on("message", (message) => {
  if (message === "stats") process.send?.({ cpu: process.cpuUsage(), memory: process.memoryUsage(), sessions: server.sessionCount });
  if (message === "stop") void server.close().then(() => process.exit(0));
});
process.send?.({ url: server.url });
