/**
 * Dev servers reloading edited files between requests: Vite's SSR dev server (ssrLoadModule)
 * and `next dev` (Turbopack, Next's default, and webpack). An unrelated edit keeps every value;
 * a body edit releases the old value once and serves the new one; an anonymous function edited
 * and moved in one save releases its old value.
 */
import { test } from "node:test";
import { createServer } from "vite";
import { editsBetweenRequests } from "../support/dev-edits.mjs";
import { freePort, getJson, start, waitFor } from "../support/processes.mjs";
import { copyFixture } from "../support/workdir.mjs";
import { NEXT_BIN, NEXT_ENV } from "../support/next.mjs";

test("Vite SSR dev server (ssrLoadModule): edits between requests", async (t) => {
  const work = copyFixture("dev-app");
  t.after(() => work.remove());
  const server = await createServer({
    root: work.dir,
    configFile: false,
    logLevel: "silent",
    appType: "custom",
    server: { middlewareMode: true, hmr: false, watch: {} },
  });
  t.after(() => server.close());
  const load = async () => (await server.ssrLoadModule("/src/entry.ts")).handle();
  await editsBetweenRequests(work, load, 20_000);
});

for (const bundler of ["turbopack", "webpack"]) {
  test(`next dev (${bundler}): edits between requests`, async (t) => {
    const work = copyFixture("dev-app");
    t.after(() => work.remove());
    const port = await freePort();
    const args = [NEXT_BIN, "dev", ...(bundler === "webpack" ? ["--webpack"] : ["--turbopack"]), "-p", String(port), "-H", "127.0.0.1"];
    const server = start(process.execPath, args, { cwd: work.dir, env: NEXT_ENV });
    t.after(() => server.stop());
    const url = `http://127.0.0.1:${port}/api/models`;
    await waitFor(() => `next dev on port ${port}\n${server.output.slice(-3000)}`, 120_000, () => getJson(url));
    await editsBetweenRequests(work, () => getJson(url), 60_000);
  });
}
