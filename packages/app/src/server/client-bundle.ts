import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { THEME_CSS } from "../client/theme.js";
// Type-only, erased at runtime: it puts the page's modules into the TypeScript program, so the
// package build (whose globs leave out src/app/client) still emits them beside this file, where
// esbuild finds them in a published install.
import type * as _page from "../client/main.js";

/** The page's assets, built once at server start. */
export interface ClientAssets {
  readonly js: string;
  readonly css: string;
  /** Short content hash, appended to asset URLs so a new build is never served from cache. */
  readonly version: string;
}

/**
 * Bundles the page's TypeScript (`src/app/client/main.ts`, or its compiled `.js` beside this file
 * in a published build) with esbuild into one script. Takes a few hundred milliseconds, once.
 */
export async function buildClientAssets(): Promise<ClientAssets> {
  const ts = fileURLToPath(new URL("../client/main.ts", import.meta.url));
  const entry = existsSync(ts) ? ts : fileURLToPath(new URL("../client/main.js", import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const js = result.outputFiles[0]?.text ?? "";
  const version = createHash("sha256").update(js).update(THEME_CSS).digest("hex").slice(0, 12);
  return { js, css: THEME_CSS, version };
}
