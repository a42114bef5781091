#!/usr/bin/env node
/**
 * Installs the core the way users get it: `npm pack` of packages/core (which builds it), then the
 * tarball's files unpacked into node_modules/cache-resource. The core has no dependencies, so
 * that is all `npm install <tarball>` would do, and package.json / package-lock.json stay
 * independent of the core's changing tarball.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));
const core = join(here, "..", "packages", "core");
const packs = join(here, ".core");
rmSync(packs, { recursive: true, force: true });
mkdirSync(packs, { recursive: true });
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const [pack] = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", packs], { cwd: core, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
const target = join(here, "node_modules", "cache-resource");
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
execFileSync("tar", ["-xzf", join(packs, pack.filename), "-C", target, "--strip-components=1"], { stdio: "inherit" });
console.log(`installed ${pack.filename} (${pack.entryCount} files) into node_modules/cache-resource`);
