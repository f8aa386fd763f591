/**
 * Snapshot import rate against the database's own bulk path, side by side in one run: for each
 * size and backend, a plain COPY of the same rows into the final papers table (the reference),
 * then `importSnapshot` of the JSON lines they came from (parse, check, COPY into staging, merge,
 * checkpoint). Generated lines shaped like arXiv's snapshot (a plain .jsonl, as the real file is)
 * and the real 200 from ../shared. PGlite runs on a data directory, as `dailypapers` does;
 * Postgres when TEST_DATABASE_URL is set. Writes bench/results/import.md; --append adds this
 * run's table to it instead (a long run per size), --print only prints. --no-reference skips the
 * COPY (for the one full-size figure), --no-real the 200 real lines; --jsonl FILE [--rows FILE]
 * reuse an earlier run's generated lines (with --records giving their number) and COPY rows,
 * which --generate FILE makes alone (niced, so the timed run that follows has the cores).
 *
 *   npm run bench:import [-- --records 100000,1000000] [--backends pglite,postgres] [--append]
 */
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import type { Db } from "../src/db/client.ts";
import { openPglite } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { importSnapshot } from "../src/ingest/snapshot.ts";
import { snapshotBatches } from "../src/ingest/snapshot-batches.ts";
import { PAPER_COPY_COLUMNS } from "../src/papers/store.ts";
import { openTestDb } from "../test/helpers/db.ts";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "100000,1000000" },
    backends: { type: "string", default: process.env.TEST_DATABASE_URL ? "pglite,postgres" : "pglite" },
    print: { type: "boolean", default: false },
    append: { type: "boolean", default: false },
    "no-reference": { type: "boolean", default: false },
    "no-real": { type: "boolean", default: false },
    /** An earlier run's generated file (and its COPY rows), to skip making them again. */
    jsonl: { type: "string" },
    rows: { type: "string" },
    /** importSnapshot once per number of parser threads, after the same reference. */
    "parse-threads": { type: "string", default: "1" },
    /** Only write the generated lines of --records to FILE and their COPY rows to FILE.copy (run niced). */
    generate: { type: "string" },
  },
});
const THREADS = values["parse-threads"].split(",").map(Number);
const SIZES = values.records.split(",").map(Number);
const BACKENDS = values.backends.split(",") as Backend[];
type Backend = "pglite" | "postgres";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-bench-import-"));
const REAL = path.resolve("../shared/data/arxiv/snapshot/arxiv-metadata-oai-snapshot.head.jsonl");

/** A seeded generator, so every run imports the same corpus. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = fs
  .readFileSync(REAL, "utf8")
  .toLowerCase()
  .match(/[a-z]{3,}/g) as string[];
const CATEGORIES = [
  "cs.CL",
  "cs.LG",
  "cs.CV",
  "cs.AI",
  "stat.ML",
  "math.OC",
  "hep-ph",
  "quant-ph",
  "astro-ph.GA",
];
const NAMES = ["Chen", "Wang", "Smith", "Müller", "García", "Kim", "Rossi", "Nguyen", "Ivanova", "Okafor"];

/** Line i: ids run through YYMM.NNNNN, 99,999 a month from 1501, so 2.8M lines stay distinct. */
function record(i: number, r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
  const block = Math.floor(i / 99_999);
  const yymm = `${15 + Math.floor(block / 12)}${String(1 + (block % 12)).padStart(2, "0")}`;
  const id = `${yymm}.${String(1 + (i % 99_999)).padStart(5, "0")}`;
  const authors = Array.from({ length: 2 + Math.floor(r() * 7) }, () => [
    pick(NAMES),
    `${pick(NAMES)[0]}.`,
    "",
  ]);
  const nv = 1 + Math.floor(r() * 3);
  const cats = [pick(CATEGORIES), pick(CATEGORIES)];
  // 80-column hard wrapping, as in the real file
  const abstract = `  ${words(120 + Math.floor(r() * 130))}`.replace(/(.{1,79})(\s|$)/g, "$1\n");
  return JSON.stringify({
    id,
    submitter: `${authors[0][1]} ${authors[0][0]}`,
    authors: authors.map(([l, f]) => `${f} ${l}`).join(", "),
    title: words(6 + Math.floor(r() * 8)),
    comments: `${5 + Math.floor(r() * 30)} pages`,
    "journal-ref": null,
    doi: r() < 0.3 ? `10.1000/${i}` : null,
    "report-no": null,
    categories: [...new Set(cats)].join(" "),
    license: "http://creativecommons.org/licenses/by/4.0/",
    abstract,
    versions: Array.from({ length: nv }, (_, v) => ({
      version: `v${v + 1}`,
      created: new Date(Date.UTC(2015 + (i % 10), block % 12, 1 + v * 7)).toUTCString(),
    })),
    update_date: "2024-01-01",
    authors_parsed: authors,
  });
}

async function writeChunked(file: string, lines: (emit: (s: string) => Promise<void>) => Promise<void>) {
  const out = fs.createWriteStream(file);
  let text = "";
  await lines(async (s) => {
    text += s;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, "drain");
      text = "";
    }
  });
  out.end(text);
  await once(out, "finish");
}

function generate(file: string, n: number): Promise<void> {
  const r = rng(42);
  return writeChunked(file, async (emit) => {
    for (let i = 0; i < n; i++) await emit(`${record(i, r)}\n`);
  });
}

/**
 * The reference's input: the rows the importer would stage, as COPY text, made once by the
 * importer's own parser. Also times that parser alone, on this thread, without a database.
 */
async function copyRowsOf(jsonl: string, file: string): Promise<{ rows: number; parseRate: number }> {
  let rows = 0;
  const t = performance.now();
  await writeChunked(file, async (emit) => {
    for await (const e of snapshotBatches(jsonl, { skip: 0, batchSize: 1000, keepPapers: false })) {
      if (e.type !== "batch") continue;
      for (const r of e.records) await emit(r.row);
      rows += e.records.length;
    }
  });
  return { rows, parseRate: rows / ((performance.now() - t) / 1000) };
}

async function openBenchDb(backend: Backend): Promise<Db> {
  if (backend === "postgres") return openTestDb(backend);
  const db = await openPglite(fs.mkdtempSync(path.join(dir, "pglite-")));
  await migrate(db);
  return db;
}

/** Streams COPY text into papers, 8 MB per COPY statement (the per-statement cost is then nil). */
async function plainCopy(db: Db, file: string): Promise<void> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }) });
  let chunk: string[] = [];
  let size = 0;
  for await (const line of rl) {
    chunk.push(`${line}\n`);
    size += line.length;
    if (size > 8 << 20) {
      await db.copyFrom("papers", PAPER_COPY_COLUMNS, chunk.join(""));
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) await db.copyFrom("papers", PAPER_COPY_COLUMNS, chunk.join(""));
}

const REFERENCE = "plain COPY into papers";

interface Run {
  backend: Backend;
  input: string;
  lines: number;
  what: string;
  papers: number;
  seconds: number;
  rate: number;
  rssStartMb: number;
  rssPeakMb: number;
  load: string;
}

const loadNow = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

async function measure(
  backend: Backend,
  what: Run["what"],
  input: string,
  lines: number,
  work: (db: Db) => Promise<number>,
): Promise<Run> {
  const db = await openBenchDb(backend);
  globalThis.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const t = performance.now();
    const papers = await work(db);
    const seconds = (performance.now() - t) / 1000;
    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from papers");
    if (n !== papers) throw new Error(`${what}: ${n} papers stored, ${papers} expected`);
    const run: Run = {
      backend,
      input,
      lines,
      what,
      papers,
      seconds,
      rate: papers / seconds,
      rssStartMb: start / 2 ** 20,
      rssPeakMb: peak / 2 ** 20,
      load: loadNow(),
    };
    process.stdout.write(
      `${backend} ${input} ${what}: ${Math.round(run.rate)}/s (${seconds.toFixed(1)} s, RSS ${Math.round(run.rssStartMb)} -> ${Math.round(run.rssPeakMb)} MB, load ${run.load})\n`,
    );
    return run;
  } finally {
    clearInterval(timer);
    await db.close();
  }
}

const importerName = (threads: number) =>
  THREADS.length === 1
    ? "importSnapshot"
    : `importSnapshot, ${threads} parse thread${threads === 1 ? "" : "s"}`;

async function importer(db: Db, file: string, parseThreads: number): Promise<number> {
  const s = await importSnapshot(db, file, { parseThreads });
  if (s.counts.failed > 0) throw new Error(`${s.counts.failed} records failed`);
  return s.counts.inserted + s.counts.updated + s.counts.unchanged;
}

if (values.generate) {
  const n = SIZES[0];
  await generate(values.generate, n);
  const { rows, parseRate } = await copyRowsOf(values.generate, `${values.generate}.copy`);
  process.stdout.write(
    `wrote ${n} lines to ${values.generate}, ${rows} COPY rows (${Math.round(parseRate)} lines/s)\n`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const runs: Run[] = [];
const parseRates: [number, number][] = [];
const inputs: [string, string, number][] = values["no-real"] ? [] : [[REAL, "real snapshot, 200 lines", 200]];
for (const n of SIZES) {
  const file = values.jsonl ?? path.join(dir, `generated-${n}.jsonl`);
  if (!values.jsonl) await generate(file, n);
  inputs.push([
    file,
    `generated, ${n.toLocaleString("en-US")} lines (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`,
    n,
  ]);
}
for (const [file, input, lines] of inputs) {
  const rows = values.rows && file !== REAL ? values.rows : path.join(dir, "rows.copy");
  const reference = !values["no-reference"];
  if (reference) {
    let count = lines;
    if (rows !== values.rows) {
      const made = await copyRowsOf(file, rows);
      count = made.rows;
      if (lines > 200) parseRates.push([lines, made.parseRate]);
    }
    for (const backend of BACKENDS) {
      runs.push(
        await measure(backend, REFERENCE, input, lines, async (db) => {
          await plainCopy(db, rows);
          return count;
        }),
      );
      for (const threads of THREADS)
        runs.push(
          await measure(backend, importerName(threads), input, lines, (db) => importer(db, file, threads)),
        );
    }
    if (rows !== values.rows) fs.rmSync(rows);
  } else {
    for (const backend of BACKENDS)
      for (const threads of THREADS)
        runs.push(
          await measure(backend, importerName(threads), input, lines, (db) => importer(db, file, threads)),
        );
  }
  if (file !== REAL && file !== values.jsonl) fs.rmSync(file);
}
fs.rmSync(dir, { recursive: true, force: true });

const cpu = os.cpus();
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const table = runs
  .map((r, i) => {
    // The reference is the plain COPY of the same input and backend just before.
    const ref = runs
      .slice(0, i)
      .findLast((x) => x.what === REFERENCE && x.backend === r.backend && x.input === r.input);
    const ratio =
      r.what === REFERENCE ? "1" : !ref ? "(no reference run)" : `**${(r.rate / ref.rate).toFixed(2)}×**`;
    return `| ${r.backend} | ${r.input} | ${r.what} | ${r.papers} | ${r.seconds.toFixed(1)} s | ${fmt(r.rate)} | ${ratio} | ${Math.round(r.rssStartMb)} → ${Math.round(r.rssPeakMb)} MB | ${r.load} |`;
  })
  .join("\n");
const header = `| backend | input | what | papers | time | papers/s | ratio | RSS start → peak | load at end |
|---|---|---|---|---|---|---|---|---|`;
const parsed = parseRates.length
  ? `\n\nParse, check and encode alone, one thread, no database: ${parseRates.map(([n, r]) => `${fmt(r)} lines/s (${n.toLocaleString("en-US")} lines)`).join(", ")}.`
  : "";
const section = `## Run at ${new Date().toISOString()}: ${BACKENDS.join(", ")}, ${SIZES.map((n) => n.toLocaleString("en-US")).join(" and ")} generated lines

${header}
${table}${parsed}
`;
const md = `# Snapshot import benchmark

\`npm run bench:import\` (bench/import.bench.ts).

Machine: ${cpu.length} cores (${cpu[0]?.model ?? "unknown"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM,
Node ${process.version}, ${os.type()} ${os.release()}, shared with other jobs: the load average
(1 / 5 / 15 min, from \`os.loadavg()\`, what \`uptime\` prints) is given at the end of each run.

For each input and backend, in one run, one after the other on a fresh migrated database:
- **plain COPY into papers** (the reference): the same rows the importer stores, made beforehand
  as COPY text by the importer's own parser, COPied straight into the final \`papers\` table
  (its primary key and indexes, its triggers), 8 MB per statement;
- **importSnapshot**: the JSON lines those rows came from, through the whole import: read,
  parse, check limits (on a worker thread for files over 8 MB), 5,000 lines a batch (1,000
  before 2026-12-02 14:30), each
  committed with its checkpoint: papers not yet stored are COPied straight into \`papers\`, the
  others into a staging table and merged in one \`insert … select … on conflict\`.

The ratio is importSnapshot's papers/s over the plain COPY's just before it. RSS is this process's
(for PGlite it includes the database; for Postgres the server is another process).

Goals (issue 11): on Postgres at least 0.5× the plain COPY (at least 14,000 papers/s) at 100k and
1M lines; on PGlite at least 5,000/s; memory flat.

${section}`;
if (values.print) process.stdout.write(section);
else {
  const out = path.resolve("bench/results/import.md");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (values.append) fs.appendFileSync(out, `\n${section}`);
  else fs.writeFileSync(out, md);
  process.stdout.write(`wrote ${out}\n`);
}
