import assert from "node:assert/strict";
import { test } from "node:test";
import { createProgress, duration, renderLine } from "./progress.ts";

test("a status line shows count, total, rate and ETA", () => {
  assert.equal(
    renderLine("arxiv-snapshot", 12_000, 2_800_000, 0, 2_000, "", false),
    "arxiv-snapshot  12,000/2,800,000 (0.4%)  6,000/s  ETA 7m45s",
  );
  assert.equal(
    renderLine("hf-daily", 500, 0, 0, 1_000, "2 failed", false),
    "hf-daily  500  500/s  elapsed 1s  2 failed",
  );
  assert.equal(duration(3 * 3600 + 125), "3h02m");
});

test("off a TTY it prints a plain line at most every interval, and one at the end", () => {
  const written: string[] = [];
  let now = 0;
  const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  const p = createProgress({ label: "x", stream, intervalSeconds: 5, now: () => now });
  for (let i = 0; i < 10; i++) {
    now += 1000;
    p.tick(100);
  }
  p.log("skipped a.jsonl:3: missing title");
  p.stop();
  assert.deepEqual(written, [
    "x  500  100/s  elapsed 5s\n",
    "x  1,000  100/s  elapsed 10s\n",
    "skipped a.jsonl:3: missing title\n",
    "x  1,000  100/s  elapsed 10s\n",
  ]);
  assert.equal(p.count, 1000);
});
