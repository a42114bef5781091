/**
 * A real `next build` of a small App Router app (a route handler using cached pools), with
 * webpack and with Turbopack (Next's default), then `next start`: each pool is created once per
 * key, none is released, and every request gets the right, still usable, pools.
 */
import { test } from "node:test";
import { expectPoolsServed } from "../support/pools.mjs";
import { freePort, run, start } from "../support/processes.mjs";
import { NEXT_BIN, NEXT_ENV } from "../support/next.mjs";
import { copyFixture } from "../support/workdir.mjs";

for (const bundler of ["webpack", "turbopack"]) {
  test(`next build (${bundler}) + next start: one pool per key, no release, no collision`, async (t) => {
    const work = copyFixture("next-app");
    t.after(() => work.remove());
    await run(process.execPath, [NEXT_BIN, "build", ...(bundler === "webpack" ? ["--webpack"] : ["--turbopack"])], { cwd: work.dir, env: NEXT_ENV }, 300_000);
    const port = await freePort();
    const server = start(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: work.dir, env: NEXT_ENV });
    t.after(() => server.stop());
    await expectPoolsServed(`http://127.0.0.1:${port}/api/pools`, () => `next start on port ${port}\n${server.output}`, 60_000);
  });
}
