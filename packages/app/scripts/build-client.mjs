/**
 * Part of the package build: bundles the page's script into `dist/client/app.js`, so a server
 * started from the package serves it as is and runs no esbuild at start. The options are the
 * server's own (`CLIENT_BUILD_OPTIONS`, from the build tsc has just written).
 */
import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";
import { CLIENT_BUILD_OPTIONS, PREBUILT_CLIENT } from "../dist/server/client-bundle.js";

buildSync({ ...CLIENT_BUILD_OPTIONS, logLevel: "warning", entryPoints: ["src/client/main.ts"], outfile: fileURLToPath(PREBUILT_CLIENT) });
