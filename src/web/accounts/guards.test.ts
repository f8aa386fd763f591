import assert from "node:assert/strict";
import { test } from "node:test";
import { safeNext } from "./guards.ts";

test("safeNext keeps local paths and refuses everything a browser could read as another site", () => {
  assert.equal(safeNext("/papers/2408.03361?x=1#c"), "/papers/2408.03361?x=1#c");
  for (const bad of [
    "//evil.com",
    "/\\evil.com",
    "/\t/evil.com",
    "/\n/x",
    "https://evil.com",
    "evil.com",
    " /x",
    42,
  ]) {
    assert.equal(safeNext(bad), "/", String(bad));
  }
});
