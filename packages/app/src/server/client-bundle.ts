import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";
import { THEME_CSS } from "../client/theme.js";
import { packageFile } from "../package-file.js";

/** The page's assets. */
export interface ClientAssets {
  readonly js: string;
  readonly css: string;
  /** Short content hash, appended to asset URLs so a new build is never served from cache. */
  readonly version: string;
}

/** How the page's script is bundled: at package build time (scripts/build-client.mjs) or, from sources, at start. */
export const CLIENT_BUILD_OPTIONS = {
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  legalComments: "none",
  logLevel: "silent",
} as const satisfies BuildOptions;

/** Where the package build puts the bundled page script. */
export const PREBUILT_CLIENT = packageFile("dist/client/app.js");

/**
 * The page's assets. A built package ships the page's script already bundled (`dist/client/app.js`),
 * so starting a server runs no esbuild; from sources (tests, development) it is bundled here from
 * `src/client/main.ts`, once, and esbuild's service is stopped again.
 */
export async function buildClientAssets(): Promise<ClientAssets> {
  const js = existsSync(PREBUILT_CLIENT)
    ? readFileSync(PREBUILT_CLIENT, "utf8")
    : await bundlePage(fileURLToPath(packageFile("src/client/main.ts")));
  const version = createHash("sha256").update(js).update(THEME_CSS).digest("hex").slice(0, 12);
  return { js, css: THEME_CSS, version };
}

async function bundlePage(entry: string): Promise<string> {
  const { build, stop } = await import("esbuild");
  try {
    const result = await build({ ...CLIENT_BUILD_OPTIONS, entryPoints: [entry], write: false });
    return result.outputFiles[0]?.text ?? "";
  } finally {
    await stop();
  }
}
