#!/usr/bin/env node
/**
 * `cache-resource`: the command. It sets how V8 optimizes before any of the runtime is loaded
 * (`tiering.ts`: an idle app then stays small), then runs `main.ts`.
 */
import { tuneTiering } from "../server/tiering.js";

tuneTiering();
void import("./main.js").then(({ run }) => run());
