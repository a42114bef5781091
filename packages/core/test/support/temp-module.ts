import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The core's source entry, as generated modules import it. */
export const LIBRARY = new URL("../../src/index.js", import.meta.url).href;

/**
 * A module file that a test rewrites and imports again, as a dev server's reload does: every
 * `load` imports the current text under a new query, so Node evaluates it afresh.
 */
export class TempModule {
  readonly file: string;
  #version = 0;

  constructor(prefix: string, name = "module.mts") {
    this.file = join(mkdtempSync(join(tmpdir(), `cache-resource-${prefix}-`)), name); // .mts: ESM anywhere
  }

  /** Writes `body` after an import of the library (`cacheResource`, `cacheResourceLib`). */
  write(body: string): this {
    writeFileSync(this.file, `import { cacheResource } from ${JSON.stringify(LIBRARY)};\nimport * as cacheResourceLib from ${JSON.stringify(LIBRARY)};\n${body}`);
    return this;
  }

  async load<T = Record<string, any>>(): Promise<T> {
    return (await import(`${pathToFileURL(this.file).href}?v=${++this.#version}`)) as T;
  }
}

/** A list on globalThis that generated modules push to (their onRelease hooks, their computations). */
export function globalLog(name: string): string[] {
  const log: string[] = [];
  (globalThis as Record<string, unknown>)[name] = log;
  return log;
}
