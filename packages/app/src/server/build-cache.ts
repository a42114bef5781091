/**
 * The app's last build, kept beside the bundle (`node_modules/.cache/cache-resource/`), so a
 * start-up with the same files reuses it without loading esbuild at all (as Python reuses its
 * `__pycache__`). A build is reused only when every file it read is unchanged (same size and
 * modification time), every package file it imports is still there unchanged, and it was made by
 * the same runtime, esbuild and Node major version for the same entry file and folder.
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";

/** A build as stored. */
interface StoredBuild {
  readonly maker: string;
  readonly code: string;
  /** `[path, size, mtimeMs]` of every file the build read. */
  readonly inputs: readonly FileStamp[];
  /** `[path, size, mtimeMs]` of every package file the bundle imports. */
  readonly packages: readonly FileStamp[];
}

/** What made a build: a build by another runtime, esbuild or Node major version is not reused. */
let maker: string | undefined;
function makerOf(): string {
  if (maker === undefined) {
    const require = createRequire(import.meta.url);
    const versionOf = (pkg: string): string => {
      try {
        return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version?: string }).version ?? "?";
      } catch {
        return "?";
      }
    };
    maker = `@cache-resource/app ${versionOf("@cache-resource/app")}, esbuild ${versionOf("esbuild")}, node ${process.versions.node.split(".")[0]}`;
  }
  return maker;
}

/** Where the build of `entry` is kept, in the bundle's folder `dir`. */
export function buildCacheFile(dir: string, entry: string): string {
  const id = createHash("sha256").update(entry).digest("hex").slice(0, 16);
  return join(dir, `${basename(entry)}-${id}.json`);
}

/** The kept build, when nothing it was made from has changed; `undefined` otherwise. */
export function readBuild(cacheFile: string): { code: string; files: ReadonlySet<string> } | undefined {
  let stored: StoredBuild;
  try {
    stored = JSON.parse(readFileSync(cacheFile, "utf8")) as StoredBuild;
  } catch {
    return undefined; // none yet, or unreadable: build
  }
  if (stored.maker !== makerOf() || !unchanged(stored.inputs) || !unchanged(stored.packages)) return undefined;
  return { code: stored.code, files: new Set(stored.inputs.map(([path]) => path)) };
}

/**
 * Keeps a build for the next start. `inputs` and `packages` were stamped before they were read
 * (an edit during the build makes the kept build stale, never wrongly fresh). Never throws: a
 * build that cannot be kept is made again next time.
 */
export function writeBuild(cacheFile: string, code: string, inputs: Iterable<FileStamp>, packages: Iterable<FileStamp>): void {
  try {
    const stored: StoredBuild = { maker: makerOf(), code, inputs: [...inputs], packages: [...packages] };
    // Whole or not at all: another process may be reading it.
    const temporary = `${cacheFile}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify(stored));
    renameSync(temporary, cacheFile);
  } catch {
    // a read-only or vanished folder: nothing kept
  }
}

/** A file as it was: `[path, size, mtimeMs]`. */
export type FileStamp = readonly [string, number, number];

/** The file's stamp now, or `undefined` when it cannot be read. */
export function stampOf(path: string): FileStamp | undefined {
  try {
    const stats = statSync(path);
    return [path, stats.size, stats.mtimeMs];
  } catch {
    return undefined;
  }
}

function unchanged(stamps: StoredBuild["inputs"]): boolean {
  for (const [path, size, mtimeMs] of stamps) {
    try {
      const stats = statSync(path);
      if (stats.size !== size || stats.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}
