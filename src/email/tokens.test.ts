import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEmail } from "./address.ts";
import { signToken, verifyToken } from "./tokens.ts";

const now = new Date("2026-11-24T09:00:00Z");
const secs = now.getTime() / 1000;

test("a signed token verifies for its purpose only, until it expires", () => {
  const t = signToken("s3cret", "confirm", { s: 7, e: "a@example.org", x: secs + 60 });
  assert.deepEqual(verifyToken("s3cret", "confirm", t, now), {
    ok: true,
    payload: { s: 7, e: "a@example.org", x: secs + 60 },
  });
  assert.deepEqual(verifyToken("s3cret", "unsubscribe", t, now), { ok: false, reason: "invalid" });
  assert.deepEqual(verifyToken("other", "confirm", t, now), { ok: false, reason: "invalid" });
  assert.deepEqual(verifyToken("s3cret", "confirm", t, new Date(now.getTime() + 61_000)), {
    ok: false,
    reason: "expired",
  });
  const [body, mac] = t.split(".");
  const forgedBody = Buffer.from(JSON.stringify({ s: 8, e: "a@example.org", x: secs + 60 })).toString(
    "base64url",
  );
  assert.deepEqual(verifyToken("s3cret", "confirm", `${forgedBody}.${mac}`, now), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(verifyToken("s3cret", "confirm", `${body}.${mac}.x`, now), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(verifyToken("s3cret", "confirm", undefined, now), { ok: false, reason: "invalid" });
});

test("addresses are checked and their domain lower-cased", () => {
  assert.deepEqual(parseEmail("  Ada@Example.ORG "), { ok: true, email: "Ada@example.org" });
  assert.equal(parseEmail("ada@example.org\r\nBcc: x@y.org").ok, false);
  assert.equal(parseEmail("no at sign").ok, false);
  assert.equal(parseEmail(`${"a".repeat(250)}@example.org`).ok, false);
  assert.equal(parseEmail(42).ok, false);
});
