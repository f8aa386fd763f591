/**
 * How long /healthz waits while a freshly started server does its background work after an
 * import (keyword and vector index builds, acronyms, summaries, the embedding job loading its
 * model), against the same probe once that work is done: one request every 100 ms, for
 * `--seconds` after the server listens, then `--seconds` / 3 as the idle reference. The data
 * directory is copied first, so every run starts from the same state.
 *
 *   node --import tsx bench/healthz-during-jobs.bench.ts --data-dir DIR [--seconds 45]
 *     DIR: a PGlite data directory after `dailypapers import hf-daily ../shared/data/hf-daily`,
 *     `embed train` and `embed run`, never served since.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { serverProcess } from "../test/helpers/processes.ts";

const { values } = parseArgs({
  options: { "data-dir": { type: "string" }, seconds: { type: "string", default: "45" } },
});
if (!values["data-dir"]) throw new Error("--data-dir is required");
const SECONDS = Number(values.seconds);

const copy = fs.mkdtempSync(path.join(os.tmpdir(), "dp-healthz-"));
fs.cpSync(values["data-dir"], copy, { recursive: true });
const uptimeBefore = execFileSync("uptime").toString().trim();
const server = await serverProcess(copy, {
  env: { SECRET: "bench-secret-not-for-production", LOG_LEVEL: "warn" },
});

async function probe(seconds: number): Promise<number[]> {
  const out: number[] = [];
  for (const end = Date.now() + seconds * 1000; Date.now() < end; ) {
    const started = performance.now();
    await (await fetch(`${server.url}/healthz`)).arrayBuffer();
    out.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 100));
  }
  return out.sort((a, b) => a - b);
}

const during = await probe(SECONDS);
const idle = await probe(Math.max(5, Math.round(SECONDS / 3)));
await server.stop();
fs.rmSync(copy, { recursive: true, force: true });
const uptimeAfter = execFileSync("uptime").toString().trim();

const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const row = (what: string, xs: number[]) =>
  `| ${what} | ${xs.length} | ${q(xs, 0.5).toFixed(1)} | ${q(xs, 0.99).toFixed(1)} | ${(xs.at(-1) ?? 0).toFixed(0)} |`;
const report = `| window | probes | p50 ms | p99 ms | max ms |
|---|---|---|---|---|
${row(`first ${SECONDS} s after listening (background jobs)`, during)}
${row("afterwards (reference)", idle)}
| ratio | | ${(q(during, 0.5) / q(idle, 0.5)).toFixed(1)}× | ${(q(during, 0.99) / q(idle, 0.99)).toFixed(1)}× | ${((during.at(-1) ?? 0) / (idle.at(-1) ?? 1)).toFixed(1)}× |

Machine before: \`${uptimeBefore}\`; after: \`${uptimeAfter}\`
`;
console.log(report);
