import { join } from "node:path";
import { INTEGRATION_ROOT } from "./workdir.mjs";

/** Next's command line, run with this project's Node. */
export const NEXT_BIN = join(INTEGRATION_ROOT, "node_modules", "next", "dist", "bin", "next");
/** No telemetry (no network, no detached flush process). */
export const NEXT_ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
