/**
 * Semantic and hybrid search speed (`node --import tsx bench/semantic.bench.ts [--docs N] [--pg ADMIN_URL]`):
 * generated papers with realistic abstracts (bench/search-corpus.ts) in a fresh database
 * (PGlite, or a throwaway database on the Postgres server at ADMIN_URL). Measures training,
 * the embedding rate (model alone, and end to end into the database), the vector index build,
 * memory, and p50/p95 of keyword, semantic and hybrid queries through the real search service,
 * in-process and over HTTP. Appends a section to bench/results/semantic.md.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../src/config.ts";
import { type Db, openPglite, openPostgres } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { loadEmbedder, paperText } from "../src/search/embed/embedder.ts";
import { embedPending, trainBuiltinModel } from "../src/search/embed/jobs.ts";
import { activateEmbeddingModel, embeddingModelById } from "../src/search/embedding-store.ts";
import { SemanticSearcher } from "../src/search/semantic.ts";
import type { SearchMode } from "../src/search/types.ts";
import { buildServices } from "../src/services.ts";
import { buildApp } from "../src/web/app.ts";
import { benchQueries, generatePapers, insertGeneratedPapers } from "./search-corpus.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const DOCS = Number(arg("--docs") ?? 100_000);
const ADMIN = arg("--pg");
const QUERIES = benchQueries(300);
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};
const mib = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`;
const secs = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

function percentiles(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`;
}

async function timeAll(fn: (q: string) => Promise<unknown>): Promise<number[]> {
  for (const q of QUERIES.slice(0, 20)) await fn(q);
  const out: number[] = [];
  for (const q of QUERIES) {
    const t = performance.now();
    await fn(q);
    out.push(performance.now() - t);
  }
  return out;
}

async function openBenchDb(): Promise<{ db: Db; drop: () => Promise<void>; kind: string }> {
  if (!ADMIN) {
    const db = await openPglite(undefined);
    await migrate(db);
    return { db, drop: () => db.close(), kind: "PGlite (in memory)" };
  }
  const name = `dp_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  await migrate(db);
  return {
    db,
    kind: "Postgres 15 server",
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: ADMIN });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

const { db, drop, kind } = await openBenchDb();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-semantic-bench-"));
const config = loadConfig({ DATA_DIR: dataDir });
say(`\n## ${DOCS.toLocaleString("en")} papers, ${kind} (${new Date().toISOString().slice(0, 10)})\n`);
say(
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${mib(os.totalmem())} RAM, Node ${process.version}. Other jobs shared the machine, so figures are about ±20%.\n`,
);

let t = performance.now();
await insertGeneratedPapers(db, DOCS);
say(`- import: ${secs(t)}`);

t = performance.now();
const trained = await trainBuiltinModel(db);
say(
  `- training the built-in model (LSA, ${trained.docs.toLocaleString("en")} sampled papers, ${trained.vocab.toLocaleString("en")} terms): ${secs(t)}`,
);
const row = (await embeddingModelById(db, trained.modelId))!;
const embedder = await loadEmbedder(db, row, config);

// The model alone, on one core: what the 2,000 abstracts/s goal is about.
const sample = [...generatePapers(20_000, 99)].map((p) => paperText(p.title, p.abstract ?? ""));
t = performance.now();
await embedder.embedDocuments(sample);
const modelRate = sample.length / ((performance.now() - t) / 1000);
say(`- embedding rate, model alone: ${Math.round(modelRate).toLocaleString("en")} abstracts/s (one core)`);

t = performance.now();
await embedPending(db, embedder, { batchSize: 1000 });
const e2e = DOCS / ((performance.now() - t) / 1000);
say(
  `- embedding every paper into the database (read, embed, write): ${secs(t)}, ${Math.round(e2e).toLocaleString("en")} papers/s`,
);
await db.transaction((tx) => activateEmbeddingModel(tx, trained.modelId));

const rss0 = process.memoryUsage().rss;
t = performance.now();
const fresh = new SemanticSearcher({ indexDir: path.join(dataDir, "index"), config });
await fresh.settled(db);
say(
  `- vector index build from the stored rows (${DOCS > 20_000 ? "usearch HNSW, M=16, ef=128" : "exact scan"}, saved to disk): ${secs(t)}; RSS +${mib(process.memoryUsage().rss - rss0)}`,
);
t = performance.now();
const reloaded = new SemanticSearcher({ indexDir: path.join(dataDir, "index"), config });
await reloaded.settled(db);
say(`- vector index load from disk at restart: ${secs(t)}`);

const services = await buildServices(config, {
  db,
  log: pino({ level: "silent" }),
  indexDir: path.join(dataDir, "index"),
});
const { search } = services;
t = performance.now();
await search.keyword.sync(db);
await search.semantic?.settled(db);
say(`- keyword index load + semantic searcher ready: ${secs(t)}`);
say(`- process RSS with both indexes: ${mib(process.memoryUsage().rss)}\n`);

say(
  `Queries: ${QUERIES.length} of 2–4 words from SciFact claims, one in five with category and date filters, top 20.\n`,
);
say("| mode | in-process | over HTTP (GET /api/papers/search) |");
say("|---|---|---|");
const app = await buildApp(services);
await app.listen({ port: 0, host: "127.0.0.1" });
const addr = app.server.address();
const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
for (const mode of ["keyword", "semantic", "hybrid"] as SearchMode[]) {
  const inProcess = await timeAll((q) => search.search({ q, mode, limit: 20 }));
  const overHttp = await timeAll(async (q) => {
    const res = await fetch(
      `${base}/api/papers/search?q=${encodeURIComponent(q.slice(0, 250))}&limit=20&mode=${mode}`,
    );
    await res.arrayBuffer();
  });
  say(`| ${mode} | ${percentiles(inProcess)} | ${percentiles(overHttp)} |`);
}
await app.close();

const out = path.resolve("bench/results/semantic.md");
if (!fs.existsSync(out))
  fs.writeFileSync(
    out,
    "# Semantic search speed\n\nRun with `node --import tsx bench/semantic.bench.ts --docs N [--pg postgres://…]`.\n",
  );
fs.appendFileSync(out, `${lines.join("\n")}\n`);
await drop();
fs.rmSync(dataDir, { recursive: true, force: true });
