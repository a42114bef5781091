import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";

// `@cacheResource` written bare, as `@st.cache_resource` is in Streamlit, type-checks (the call
// signature accepts a method and its context); it must work, not fail at class definition with
// "Invalid `kind` option".
test("bare @cacheResource on a method caches like @cacheResource()", () => {
  let runs = 0;
  class Services {
    @cacheResource
    reviewBareConnect(url: string) {
      runs++;
      return { url };
    }
  }
  const a = new Services().reviewBareConnect("db://a");
  assert.equal(new Services().reviewBareConnect("db://a"), a, "shared by every instance");
  assert.equal(runs, 1);
});
