/**
 * Page throughput (`npm run bench:pages [-- --seconds 4 --rounds 3]`): a real `dailypapers serve`
 * process on the full Hugging Face import (../shared/data/hf-daily), loaded by autocannon at 50
 * connections from this process, on PGlite and (with TEST_DATABASE_URL) on Postgres. Each page
 * is quoted as a ratio to the same server's static CSS file: on a machine shared with other
 * jobs the load moves by the second, so every page run sits between two static runs and its
 * ratio is to their mean; each figure is the median over the rounds. The reference, side by
 * side, is the same server with the anonymous page cache off (PAGE_CACHE=false). Appends a
 * section to bench/results/pages.md.
 *
 *   node --import tsx bench/pages.bench.ts [--seconds 4] [--rounds 3] [--only pglite|postgres]
 *     [--data-dir DIR] [--database-url URL]   reuse an import made by an earlier run (made if empty)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openDatabase } from "../src/db/open.ts";
import { openTestDb } from "../test/helpers/db.ts";
import { type ServerProcess, serverProcess, waitFor } from "../test/helpers/processes.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "4" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
    // "on,off" (default): the cache on, then off as the reference
    modes: { type: "string", default: "on,off" },
    "data-dir": { type: "string" },
    "database-url": { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = 50;
const HF = path.resolve("../shared/data/hf-daily");
const STATIC = "/static/app.css";
const PAGES: [string, string][] = [
  ["`/`", "/"],
  ["`/papers/2408.03361`", "/papers/2408.03361"],
  ["`/papers/date/2024-08-09`", "/papers/date/2024-08-09"],
  ["`/search?q=medical+benchmark&mode=keyword`", "/search?q=medical+benchmark&mode=keyword"],
  ["`/api/papers/search?q=diffusion`", "/api/papers/search?q=diffusion"],
];
const cli = path.resolve("bin/dailypapers.js");
const load1 = () => os.loadavg()[0].toFixed(1);

interface Run {
  rps: number;
  p99: number;
  errors: number;
}

async function cannon(url: string, seconds: number): Promise<Run> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  const run = { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
  console.log(`  ${new URL(url).pathname}${new URL(url).search}: ${JSON.stringify(run)}`);
  return run;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface PageFigures {
  rps: number;
  p99: number;
  ratio: number;
  errors: number;
}

/** Rounds of static, page, static, page, …, static: each page's ratio is to its two neighbours. */
async function measure(
  base: string,
): Promise<{ pages: Map<string, PageFigures>; staticRps: number; staticP99: number }> {
  for (const [, url] of PAGES) await cannon(base + url, 1); // warm-up: templates, caches
  const perPage = new Map<string, { rps: number[]; p99: number[]; ratio: number[]; errors: number }>();
  const statics: number[] = [];
  const staticP99s: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let before = await cannon(base + STATIC, SECONDS);
    statics.push(before.rps);
    staticP99s.push(before.p99);
    for (const [, url] of PAGES) {
      const run = await cannon(base + url, SECONDS);
      const after = await cannon(base + STATIC, SECONDS);
      statics.push(after.rps);
      staticP99s.push(after.p99);
      const f = perPage.get(url) ?? { rps: [], p99: [], ratio: [], errors: 0 };
      f.rps.push(run.rps);
      f.p99.push(run.p99);
      // A reference that answered nothing (an overloaded server) gives no ratio for this round.
      const reference = (before.rps + after.rps) / 2;
      if (reference > 0) f.ratio.push(run.rps / reference);
      f.errors += run.errors;
      perPage.set(url, f);
      before = after;
    }
  }
  const pages = new Map<string, PageFigures>();
  for (const [url, f] of perPage)
    pages.set(url, {
      rps: median(f.rps),
      p99: median(f.p99),
      ratio: f.ratio.length ? median(f.ratio) : Number.NaN,
      errors: f.errors,
    });
  return { pages, staticRps: median(statics), staticP99: median(staticP99s) };
}

/** The import, once per data directory or database. */
async function importOnce(env: Record<string, string>): Promise<void> {
  const db = await openDatabase({ dataDir: env.DATA_DIR ?? "", databaseUrl: env.DATABASE_URL });
  const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from feed_entries");
  await db.close();
  if (n > 0) return;
  execFileSync(process.execPath, [cli, "import", "hf-daily", HF], {
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function backendSection(
  label: string,
  env: Record<string, string>,
  dataDir: string,
): Promise<string[]> {
  await importOnce(env);
  const results: Partial<Record<"on" | "off", Awaited<ReturnType<typeof measure>>>> = {};
  const loads: string[] = [];
  // One server at a time, so the two do not share the two cores.
  const modes = [
    ["on", {}],
    ["off", { PAGE_CACHE: "false" }],
  ] as const;
  for (const [mode, extra] of modes.filter(([m]) => values.modes.split(",").includes(m))) {
    const server: ServerProcess = await serverProcess(dataDir, {
      env: { ...env, ...extra, LOG_LEVEL: "warn" },
      timeoutMs: 600_000,
    });
    try {
      await waitFor(
        async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined),
        600_000,
      );
      loads.push(`cache ${mode}: load ${load1()} before`);
      results[mode] = await measure(server.url);
      loads.push(`${load1()} after`);
    } finally {
      await server.stop();
    }
  }
  const staticCell = (r: Awaited<ReturnType<typeof measure>> | undefined) =>
    r ? `${Math.round(r.staticRps).toLocaleString("en")} (${r.staticP99} ms)` : "–";
  const cell = (f: PageFigures | undefined) =>
    f
      ? [
          `${Math.round(f.rps).toLocaleString("en")} (${f.p99} ms${f.errors ? `, ${f.errors} errors` : ""})`,
          f.ratio.toFixed(3),
        ]
      : ["–", "–"];
  return [
    `### ${label}`,
    "",
    `1-minute load average: ${loads.join(", ")}.`,
    "",
    "| page | cache on: req/s (p99) | ratio | cache off: req/s (p99) | ratio |",
    "|---|---|---|---|---|",
    `| static CSS (reference, median of its runs) | ${staticCell(results.on)} | 1 | ${staticCell(results.off)} | 1 |`,
    ...PAGES.map(
      ([name, url]) =>
        `| ${name} | ${[...cell(results.on?.pages.get(url)), ...cell(results.off?.pages.get(url))].join(" | ")} |`,
    ),
    "",
  ];
}

const out = path.resolve("bench/results/pages.md");
if (!fs.existsSync(out))
  fs.writeFileSync(
    out,
    "# Page throughput\n\nGenerated by `npm run bench:pages` (bench/pages.bench.ts). Goals (issue 11): anonymous feed and paper pages at ≥ 0.1× the static file with p99 ≤ 100 ms; search page and search API at ≥ 0.03×.\n",
  );
// Each backend's section is written as soon as it is measured.
const write = (lines: string[]) => {
  console.log(lines.join("\n"));
  fs.appendFileSync(out, `${lines.join("\n")}\n`);
};
write([
  "",
  `## ${new Date().toISOString().slice(0, 16)}Z: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per page`,
  "",
  `Machine: ${os.cpus().length} cores shared with other jobs, Node ${process.version}, autocannon in the same process as this script.`,
  `Before: \`${execFileSync("uptime", { encoding: "utf8" }).trim()}\``,
  "",
  "Each page run sits between two runs of the static CSS file; its ratio is its req/s over their mean,",
  "and each figure is the median over the rounds. Requests carry no Accept-Encoding (no gzip).",
  "",
]);
if (values.only !== "postgres") {
  const dataDir = values["data-dir"] ?? fs.mkdtempSync(path.join(os.tmpdir(), "dp-pages-"));
  try {
    write(await backendSection("PGlite, one node", { DATA_DIR: dataDir }, dataDir));
  } finally {
    if (!values["data-dir"]) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
if (values.only !== "pglite" && (values["database-url"] || process.env.TEST_DATABASE_URL)) {
  const given = values["database-url"];
  const db = given ? null : await openTestDb("postgres");
  const nodeDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-pages-node-"));
  try {
    const url = given ?? db?.url ?? "";
    write(await backendSection("Postgres, one node", { DATABASE_URL: url }, nodeDir));
  } finally {
    await db?.close();
    fs.rmSync(nodeDir, { recursive: true, force: true });
  }
}
write([`After: \`${execFileSync("uptime", { encoding: "utf8" }).trim()}\``, ""]);
