/**
 * Fixture copies inside this project (so they resolve its node_modules, as an app does), one per
 * test, removed afterwards.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const INTEGRATION_ROOT = fileURLToPath(new URL("..", import.meta.url));
let count = 0;

/**
 * Copies fixtures/<name> to .work/<name>-<pid>-<n>, with fixtures/shared (the cached pools every
 * app uses) as its shared/ folder; `remove()` deletes it.
 */
export function copyFixture(name) {
  const dir = join(INTEGRATION_ROOT, ".work", `${name}-${process.pid}-${++count}`);
  mkdirSync(join(INTEGRATION_ROOT, ".work"), { recursive: true });
  cpSync(join(INTEGRATION_ROOT, "fixtures", name), dir, { recursive: true });
  cpSync(join(INTEGRATION_ROOT, "fixtures", "shared"), join(dir, "shared"), { recursive: true });
  return {
    dir,
    path: (...parts) => join(dir, ...parts),
    read: (file) => readFileSync(join(dir, file), "utf8"),
    /** Rewrites `file` by replacing `from` (which must occur) with `to`. */
    edit(file, from, to) {
      const text = readFileSync(join(dir, file), "utf8");
      if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
      writeFileSync(join(dir, file), text.replace(from, to));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
