import { test } from "node:test";
import assert from "node:assert/strict";
import { formatElapsed } from "cache-resource/host";

// The page's spinner ticks with this formatter (bundled into the client).
test("elapsed time: 0.1 s precision, zero parts dropped", () => {
  assert.equal(formatElapsed(0), "(0.0 seconds)");
  assert.equal(formatElapsed(1_300), "(1.3 seconds)");
  assert.equal(formatElapsed(120_000), "(2 minutes)");
  assert.equal(formatElapsed(3_600_000 + 60_000 + 1_100), "(1 hour, 1 minute, 1.1 seconds)");
  assert.equal(formatElapsed(2 * 3_600_000 + 5_000), "(2 hours, 5.0 seconds)");
  assert.equal(formatElapsed(-5), "(0.0 seconds)");
});
