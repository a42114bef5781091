/**
 * The edit sequence both dev-server tests make to fixtures/dev-app/lib/models.ts, with the checks
 * after each save. `load()` returns what the app serves now (a request, or an SSR module call).
 * The anonymous function is edited first: in a Turbopack dev chunk that is the hardest case (the
 * module's first update, under another script name than the chunk it was loaded from).
 */
import assert from "node:assert/strict";
import { waitFor } from "./processes.mjs";

const FILE = "lib/models.ts";
const ANONYMOUS = /\/\/ anonymous:begin[\s\S]*\/\/ anonymous:end\n/;

export async function editsBetweenRequests(work, load, timeoutMs) {
  const served = (what, accept) =>
    waitFor(what, timeoutMs, async () => {
      const now = await load();
      return accept(now) ? now : undefined;
    });
  const first = await load();
  assert.deepEqual(first.released, []);
  assert.equal((await load()).stable.id, first.stable.id, "a hit before any edit");

  // 1. The anonymous function edited and moved in one save: its old value is released once.
  const block = work.read(FILE).match(ANONYMOUS)[0];
  work.edit(FILE, block, "");
  work.edit(FILE, "export const getStable", block.replace("version: 1 }", "version: 2 }") + "\nexport const getStable");
  const anon = await served("the edited anonymous function", (now) => now.anon.version === 2);
  assert.deepEqual(anon.released, [`anon v1 #${first.anon.id}`], "the old anonymous value released once");
  assert.equal(anon.stable.id, first.stable.id, "the other functions keep their values");
  assert.equal(anon.edited.id, first.edited.id);

  // 2. An unrelated edit that moves every function: same values, nothing more released.
  work.edit(FILE, `export const MARK = "mark-0";`, `// an unrelated edit\n// that moves everything below\nexport const MARK = "mark-1";`);
  const moved = await served("the unrelated edit", (now) => now.mark === "mark-1");
  assert.deepEqual([moved.stable.id, moved.edited.id, moved.anon.id], [first.stable.id, first.edited.id, anon.anon.id], "same values");
  assert.deepEqual(moved.released, anon.released, "nothing more released");

  // 3. A body edit: the old value is released once and the new one served.
  work.edit(FILE, "version: 1 }; // edited-body", "version: 2 }; // edited-body");
  const edited = await served("the edited body", (now) => now.edited.version === 2);
  assert.deepEqual(edited.released, [...anon.released, `edited v1 #${first.edited.id}`], "the old value released once");
  assert.deepEqual([edited.stable.id, edited.anon.id], [first.stable.id, anon.anon.id], "the other functions keep their values");

  // Served again: nothing more released, everything hits.
  const again = await load();
  assert.deepEqual(again.released, edited.released);
  assert.deepEqual([again.stable.id, again.edited.id, again.anon.id], [edited.stable.id, edited.edited.id, edited.anon.id]);
}
