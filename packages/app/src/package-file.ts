import { existsSync, readFileSync } from "node:fs";

const PACKAGE_NAME = "@cache-resource/app";
let root: URL | undefined;

/**
 * A file of this package, by its path from the package's root (`dist/client/app.js`). Found
 * from wherever the running module is: a source module under `src/`, an entry of the build, a
 * chunk the bundler shared between entries, or the CommonJS build.
 */
export function packageFile(path: string): URL {
  root ??= findRoot(new URL(".", import.meta.url));
  return new URL(path, root);
}

function findRoot(start: URL): URL {
  for (let dir = start; ; ) {
    const manifest = new URL("package.json", dir);
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === PACKAGE_NAME) return dir;
    const parent = new URL("..", dir);
    if (parent.href === dir.href) throw new Error(`${PACKAGE_NAME}: cannot find the package's own package.json above ${start.href}`);
    dir = parent;
  }
}
