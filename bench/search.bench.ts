/**
 * Keyword search speed (`npm run bench:search [-- --docs N] [-- --index-only]`):
 *   1. the in-process BM25F index alone: build time, memory, query p50/p95 on N generated papers;
 *   2. unless --index-only, the same papers in a database (PGlite, or DATABASE_URL): the full
 *      service path (index sync query + ranking), the API path (plus loading and highlighting
 *      the 20 hits), and over HTTP against the real app.
 * Appends a section to bench/results/search.md with the machine's description.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../src/config.ts";
import { openPglite, openPostgres } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { upsertPapers } from "../src/papers/store.ts";
import type { PaperInput } from "../src/papers/types.ts";
import { KeywordIndex } from "../src/search/keyword-index.ts";
import { parseQuery } from "../src/search/query.ts";
import { hitsWithPapers } from "../src/search/results.ts";
import { buildServices } from "../src/services.ts";
import { buildApp } from "../src/web/app.ts";
import { benchQueries, generatePapers, indexDoc, rankOptions } from "./search-corpus.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const DOCS = Number(arg("--docs") ?? 100_000);
const indexOnly = process.argv.includes("--index-only");
const QUERIES = benchQueries(400);
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};

function pct(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms`;
}

/**
 * Wall-clock latency and, beside it, this process's CPU time per query: on a shared machine
 * other jobs inflate wall time, while CPU time is close to what an idle machine would show.
 */
interface Timings {
  wall: number[];
  cpu: number[];
}
const percentiles = (t: Timings) => `${pct(t.wall)} (CPU time: ${pct(t.cpu)})`;

async function timeAll(fn: (q: string) => Promise<unknown> | unknown): Promise<Timings> {
  for (const q of QUERIES.slice(0, 30)) await fn(q);
  const out: Timings = { wall: [], cpu: [] };
  for (const q of QUERIES) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn(q);
    out.wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    out.cpu.push((d.user + d.system) / 1000);
  }
  return out;
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const heap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

say(`\n## ${DOCS.toLocaleString("en")} papers, ${new Date().toISOString().slice(0, 10)}`);
say(
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${mib(os.totalmem())} RAM, Node ${process.version}.`,
);

// 1. The index alone.
let t = performance.now();
let papers: PaperInput[] = [...generatePapers(DOCS)];
say(`- Generated ${DOCS.toLocaleString("en")} papers in ${((performance.now() - t) / 1000).toFixed(1)} s.`);
const before = heap();
const ix = new KeywordIndex();
t = performance.now();
const cpu0 = process.cpuUsage();
let tokens = 0;
for (const p of papers) {
  tokens += p.abstract?.length ?? 0;
  ix.add(indexDoc(p));
}
ix.rank({ terms: ["cell"], k: 1 });
const buildMs = performance.now() - t;
const buildCpu = process.cpuUsage(cpu0);
const buildCpuS = (buildCpu.user + buildCpu.system) / 1e6;
const indexBytes = heap() - before;
if (indexOnly) papers = [];
say(
  `- Index build: ${(buildMs / 1000).toFixed(1)} s wall, ${buildCpuS.toFixed(1)} s CPU (${Math.round(DOCS / buildCpuS).toLocaleString("en")} papers per CPU-second); average abstract ${Math.round(tokens / DOCS)} characters.`,
);
say(
  `- Load average during the run: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")} (other jobs shared the machine).`,
);
say(`- Index memory (heap + typed arrays, approximate): ${mib(indexBytes)}.`);
const rankOnly = await timeAll((q) => ix.rank(rankOptions(q)));
say(
  `- Keyword ranking in-process (parse + BM25F top-20, ${QUERIES.length} queries, 1 in 5 with filters): ${percentiles(rankOnly)}.`,
);
const common = await timeAll(() =>
  ix.rank({ terms: parseQuery("the effect of cells in patients with high risk").terms, k: 20 }),
);
say(`- Worst case, a query of common words ("effect cells patients high risk"): ${percentiles(common)}.`);

if (!indexOnly) {
  // 2. Through the database, the service, the API presenter and HTTP.
  const url = process.env.DATABASE_URL;
  const db = url ? await openPostgres(url) : await openPglite(undefined);
  await migrate(db);
  t = performance.now();
  for (let i = 0; i < papers.length; i += 2000) await upsertPapers(db, papers.slice(i, i + 2000));
  say(
    `- Database (${url ? "Postgres" : "PGlite, in memory"}): inserted in ${((performance.now() - t) / 1000).toFixed(1)} s.`,
  );
  papers = [];
  const services = await buildServices(loadConfig({}), {
    db,
    log: pino({ level: "silent" }),
    indexDir: null,
  });
  const { search } = services;
  t = performance.now();
  await search.keyword.sync(db);
  say(`- Index load from the papers table at start: ${((performance.now() - t) / 1000).toFixed(1)} s.`);
  const service = await timeAll((q) => search.search({ q, limit: 20 }));
  say(`- searchPapers (sync check + ranking): ${percentiles(service)}.`);
  const full = await timeAll(async (q) => hitsWithPapers(db, await search.search({ q, limit: 20 })));
  say(`- Plus loading and highlighting the 20 hits (the API's work): ${percentiles(full)}.`);
  const app = await buildApp(services);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  const http = await timeAll(async (q) => {
    const res = await fetch(`${base}/api/papers/search?limit=20&q=${encodeURIComponent(q)}`);
    await res.arrayBuffer();
  });
  say(`- GET /api/papers/search over HTTP (limit 20): ${percentiles(http)}.`);
  await app.close();
  await db.close();
}

const out = path.resolve("bench/results/search.md");
if (!fs.existsSync(out))
  fs.writeFileSync(
    out,
    "# Keyword search benchmarks\n\nGenerated by `npm run bench:search` (bench/search.bench.ts); corpus from bench/search-corpus.ts. Each section is one run; the machine is shared and noisy (about ±20%).\n",
  );
fs.appendFileSync(out, `${lines.join("\n")}\n`);
