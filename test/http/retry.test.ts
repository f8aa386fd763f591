import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { retryAfterMs, withRetries } from "../../src/http/retry.ts";
import { createPoliteClient, HttpGiveUpError } from "../../src/ingest/polite-http.ts";
import { fakeClock } from "../helpers/fake-clock.ts";

class Flaky extends Error {
  constructor(
    readonly retryable: boolean,
    readonly askedMs?: number,
  ) {
    super(retryable ? "try again" : "refused");
  }
}

const policy = (clock = fakeClock()) => ({
  retries: 3,
  backoffMs: 100,
  capMs: 250,
  clock,
  retryable: (err: unknown) => err instanceof Flaky && err.retryable,
  waitAskedMs: (err: unknown) => (err instanceof Flaky ? err.askedMs : undefined),
});

describe("retrying outbound requests", () => {
  test("backs off exponentially up to the cap, through the clock, and returns the first success", async () => {
    const clock = fakeClock();
    let tries = 0;
    const out = await withRetries(async () => {
      tries += 1;
      if (tries < 4) throw new Flaky(true);
      return "ok";
    }, policy(clock));
    assert.equal(out, "ok");
    assert.equal(tries, 4);
    assert.deepEqual(clock.waits, [100, 200, 250]);
  });

  test("a wait the server asked for replaces the backoff", async () => {
    const clock = fakeClock();
    let tries = 0;
    await withRetries(async () => {
      tries += 1;
      if (tries === 1) throw new Flaky(true, 7_000);
      return "ok";
    }, policy(clock));
    assert.deepEqual(clock.waits, [7_000]);
  });

  test("a refusal is not retried, and the last failure is thrown without a wait after it", async () => {
    const clock = fakeClock();
    let tries = 0;
    await assert.rejects(
      withRetries(async () => {
        tries += 1;
        throw new Flaky(false);
      }, policy(clock)),
      /refused/,
    );
    assert.equal(tries, 1);
    assert.deepEqual(clock.waits, []);
    const again = fakeClock();
    await assert.rejects(
      withRetries(async () => {
        throw new Flaky(true);
      }, policy(again)),
      /try again/,
    );
    assert.deepEqual(again.waits, [100, 200, 250], "three waits for four tries");
  });

  test("Retry-After in seconds or as an HTTP date", () => {
    const now = Date.parse("2026-12-02T02:00:00Z");
    assert.equal(retryAfterMs("120", now), 120_000);
    assert.equal(retryAfterMs("Wed, 02 Dec 2026 02:00:30 GMT", now), 30_000);
    assert.equal(retryAfterMs("soon", now), undefined);
    assert.equal(retryAfterMs(null, now), undefined);
  });

  test("a host that does not resolve fails at once with a clear message, without retries", async () => {
    const clock = fakeClock();
    const client = createPoliteClient({ delayMs: 0, clock, backoffBaseMs: 1000 });
    try {
      await assert.rejects(client.get("http://no-such-host.invalid/oai"), (err: Error) => {
        assert.ok(err instanceof HttpGiveUpError);
        assert.match(err.message, /no-such-host\.invalid does not resolve/);
        return true;
      });
      assert.deepEqual(clock.waits, []);
    } finally {
      client.close();
    }
  });
});
