/**
 * Fleet identity: which cached function of this process is "the same function" on another one.
 *
 * - With the `name` option: that name, wherever the code lives.
 * - Otherwise: the module's path relative to its package root (the nearest directory with a
 *   `package.json`), prefixed by that package's name, plus the function's name inside the module
 *   (with a digest of the source for methods and anonymous functions). So `/srv/a/app/db.ts` and
 *   `/opt/b/app/db.ts` of the same app agree: the deploy directory does not matter.
 *
 * A module with no `package.json` above it, or no file at all (`"<unknown>"`), keeps its path as
 * it is: such functions only match processes that run from the same place.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionOrigin } from "cache-resource/fleet";

interface PackageRoot {
  readonly dir: string;
  readonly name: string;
}

/** Package roots by directory (`null`: none above it). Filled lazily, once per directory. */
const roots = new Map<string, PackageRoot | null>();

/** The fleet identity of a cached function. */
export function fleetId(origin: FunctionOrigin): string {
  if (origin.name !== undefined) return `name:${origin.name}`;
  return `${portableModule(origin.module)}#${origin.local}`;
}

/** `package-name:relative/path.ts` for a module file, the module string itself otherwise. */
export function portableModule(module: string): string {
  const path = modulePath(module);
  if (path === undefined) return module;
  const root = packageRoot(dirname(path));
  if (root === null) return module;
  return `${root.name}:${relative(root.dir, path).split(sep).join("/")}`;
}

function modulePath(module: string): string | undefined {
  if (module.startsWith("file:")) {
    try {
      return fileURLToPath(module);
    } catch {
      return undefined;
    }
  }
  return module.startsWith("/") || /^[A-Za-z]:[\\/]/.test(module) ? module : undefined;
}

function packageRoot(dir: string): PackageRoot | null {
  const known = roots.get(dir);
  if (known !== undefined) return known;
  let found: PackageRoot | null;
  const manifest = readManifest(dir);
  if (manifest !== undefined) found = { dir, name: manifest };
  else {
    const parent = dirname(dir);
    found = parent === dir ? null : packageRoot(parent);
  }
  roots.set(dir, found);
  return found;
}

/** The package's name (`""` when it has none), or undefined when `dir` has no readable package.json. */
function readManifest(dir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, "package.json"), "utf8");
  } catch {
    return undefined;
  }
  try {
    const name = (JSON.parse(text) as { name?: unknown }).name;
    return typeof name === "string" ? name : "";
  } catch {
    return "";
  }
}
