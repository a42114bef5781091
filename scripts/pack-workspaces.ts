/**
 * Packs every workspace package with `npm pack` (its `prepack` builds it) into one directory.
 * Shared by `npm run check:packages` and the test that installs the tarballs (test/packages).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** One packed workspace package. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Its folder under `packages/`, e.g. `core`. */
  readonly folder: string;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** Bytes of the tarball. */
  readonly size: number;
  readonly unpackedSize: number;
  /** Paths inside the package, e.g. `dist/index.js`. */
  readonly files: readonly string[];
}

/** Packs every workspace into `destination` (an existing directory), in `workspaces` order. */
export function packWorkspaces(destination: string): PackedPackage[] {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const out = execFileSync(npm, ["pack", "--workspaces", "--json", "--pack-destination", destination], {
    cwd: ROOT,
    encoding: "utf8",
    // prepack's build output goes to stderr; the JSON report is all that comes on stdout.
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const rows = JSON.parse(out) as { name: string; version: string; filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  const folders = new Map<string, string>();
  for (const workspace of readJson(join(ROOT, "package.json")).workspaces as string[]) {
    folders.set(readJson(join(ROOT, workspace, "package.json")).name as string, basename(workspace));
  }
  return rows.map((row) => ({
    name: row.name,
    version: row.version,
    folder: folders.get(row.name) ?? row.name,
    tarball: join(destination, row.filename),
    size: row.size,
    unpackedSize: row.unpackedSize,
    files: row.files.map((f) => f.path),
  }));
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}
