/**
 * System programs some tests need (Chromium, `redis-server`). Where one is missing, its tests are
 * skipped with one loud line that says how to install it, so `npm test` passes on a fresh machine;
 * under CI (`CI` set) a missing program fails the run instead, so nothing is skipped silently there.
 */
import { accessSync, constants, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

const warned = new Set<string>();

/** The first candidate that is an executable file: absolute paths as given, bare names on `PATH`. */
export function findProgram(candidates: readonly (string | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === "") continue;
    const paths = candidate.includes("/") ? [candidate] : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, candidate));
    for (const path of paths) {
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Chromium where users have it: `CHROMIUM_PATH`, Debian's and other distributions' paths, Playwright's cache. */
export function findChromium(): string | undefined {
  return findProgram([process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium", "google-chrome", ...playwrightChromes()]);
}

function playwrightChromes(): string[] {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), ".cache", "ms-playwright");
  try {
    return readdirSync(cache)
      .filter((d) => d.startsWith("chromium-"))
      .sort()
      .reverse()
      .flatMap((d) => [join(cache, d, "chrome-linux64", "chrome"), join(cache, d, "chrome-linux", "chrome")]);
  } catch {
    return [];
  }
}

/**
 * The `skip` option for tests that need `program`: `false` when it was found; otherwise a reason
 * (printed once, loudly, with the install hint). Under CI a missing program throws instead.
 */
export function skipWithout(path: string | undefined, program: string, install: string): false | string {
  if (path !== undefined) return false;
  const reason = `${program} not found: these tests are SKIPPED. Install it with: ${install}`;
  if (process.env.CI) throw new Error(`${program} is required under CI. ${reason}`);
  if (!warned.has(program)) {
    warned.add(program);
    process.stderr.write(`\n!!! ${reason}\n\n`);
  }
  return reason;
}
