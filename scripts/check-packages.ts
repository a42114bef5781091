/**
 * `npm run check:packages`: packs every workspace package and lints each tarball with publint
 * (strict: suggestions count too) and @arethetypeswrong/cli (every resolution mode, node10
 * included). Exits non-zero if either reports anything. CI runs it after `npm test`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { packWorkspaces } from "./pack-workspaces.js";

const require = createRequire(import.meta.url);
const attw = join(require.resolve("@arethetypeswrong/cli/package.json"), "..", "dist/index.js");
const dir = mkdtempSync(join(tmpdir(), "cache-resource-check-"));
let failed = false;
try {
  for (const pkg of packWorkspaces(dir)) {
    console.log(`\n${pkg.name}@${pkg.version}: ${pkg.files.length} files, ${kb(pkg.size)} packed, ${kb(pkg.unpackedSize)} unpacked`);
    const tarball = readFileSync(pkg.tarball);
    const { messages, pkg: manifest } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, strict: true });
    if (messages.length === 0) console.log("publint: nothing to report");
    for (const message of messages) {
      failed = true;
      console.log(`publint ${message.type}: ${formatMessage(message, manifest) ?? message.code}`);
    }
    try {
      execFileSync(process.execPath, [attw, pkg.tarball, "--format", "ascii", "--no-color", "--profile", "strict"], { stdio: "inherit" });
    } catch {
      failed = true;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.error("\ncheck:packages: publint or attw reported problems (above).");
  process.exit(1);
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
