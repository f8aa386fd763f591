/**
 * Load: 200 concurrent connections for 60 s of mixed traffic (40 % feed pages, 30 % paper pages,
 * 20 % search, 10 % API, with upvotes by signed-in users within the API share) against real
 * `serve` processes on the full Hugging Face import: 2 nodes on Postgres (when TEST_DATABASE_URL
 * is set) and 1 node on PGlite, then each kind of page alone. The references, side by side in
 * the same run, are the same connections on the static CSS file and on /healthz: what the
 * machine, Node and Fastify give with no work behind a route. Writes bench/results/load.md.
 *
 *   node --import tsx bench/load.bench.ts [--seconds 60] [--connections 200] [--only pglite|postgres] [--hf DIR]
 *     [--database-url URL] [--data-dir DIR]   reuse a database loaded by an earlier run (loaded if empty)
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import autocannon from "autocannon";
import type { Db } from "../src/db/client.ts";
import { openDatabase } from "../src/db/open.ts";
import { createSession } from "../src/users/sessions.ts";
import { insertUser } from "../src/users/store.ts";
import { csrfTokenFor } from "../src/web/accounts/csrf.ts";
import { openTestDb } from "../test/helpers/db.ts";
import { type ServerProcess, serverProcess, waitFor } from "../test/helpers/processes.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    connections: { type: "string", default: "200" },
    only: { type: "string" },
    // a smaller folder of YYYY-MM-DD.json responses, for a quick check of the bench itself
    hf: { type: "string", default: "../shared/data/hf-daily" },
    // an existing Postgres database / PGlite data directory to use (loaded if empty, kept after)
    "database-url": { type: "string" },
    "data-dir": { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const HF_DIR = path.resolve(values.hf);
const SECRET = "bench-secret-not-for-production";
const VOTERS = 200;
const QUERIES = [
  "diffusion models",
  "large language models",
  "reinforcement learning from human feedback",
  "vision transformer",
  "retrieval augmented generation",
  "speech synthesis",
  "3d reconstruction",
  "mixture of experts",
  "video generation",
  "quantization",
  "agents tool use",
  "benchmark reasoning",
];
const run = promisify(execFile);

interface Voter {
  cookie: string;
  csrf: string;
  ip: string;
}

interface Targets {
  feeds: string[];
  papers: string[];
  api: string[];
  voters: Voter[];
}

/** The CLI, as an operator runs it, against the bench's database. */
async function cli(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ["bin/dailypapers.js", ...args], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

/** The full import, the built-in model trained and every paper embedded, as a live site has them. */
async function load(env: Record<string, string>): Promise<void> {
  const t0 = performance.now();
  const status = await cli(env, "embed", "status");
  if (/\tactive\t.*\t0 pending$/m.test(status)) {
    console.log("  already loaded");
    return;
  }
  console.log(`  ${await cli(env, "import", "hf-daily", HF_DIR)}`.split("\n").at(-1));
  console.log(`  ${await cli(env, "embed", "train")}`);
  console.log(`  ${await cli(env, "embed", "run")}`);
  console.log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** URLs drawn from what is in the database, and signed-in voters with their own addresses. */
async function targets(db: Db): Promise<Targets> {
  const days = await db.query<{ d: string }>(
    "select distinct feed_date::text as d from feed_entries order by d desc limit 200",
  );
  const ids = await db.query<{ id: string }>(
    "select arxiv_id as id from feed_entries order by random() limit 2000",
  );
  const feeds = days.flatMap(({ d }) => [`/papers/date/${d}`, `/papers/month/${d.slice(0, 7)}`]);
  feeds.push("/", "/papers/trending");
  const api = [
    ...days.slice(0, 50).map(({ d }) => `/api/daily_papers?date=${d}`),
    ...ids.slice(0, 200).map(({ id }) => `/api/papers/${id}`),
    ...QUERIES.map((q) => `/api/papers/search?q=${encodeURIComponent(q)}&limit=20`),
  ];
  const voters: Voter[] = [];
  const now = new Date();
  for (let i = 0; i < VOTERS; i++) {
    const username = `bench_voter_${i}`;
    const userId =
      (await insertUser(
        db,
        { username, email: `${username}@example.org`, passwordHash: "x", verified: true },
        now,
      )) ?? (await db.query<{ id: number }>("select id from users where username = $1", [username]))[0].id;
    const sid = await createSession(db, userId, now);
    const nonce = `bench-nonce-${i}-abcdefghijklmnopqrstuvwxyz`;
    voters.push({
      cookie: `dp_session=${sid}; dp_csrf=${nonce}`,
      csrf: csrfTokenFor(SECRET, nonce, sid),
      ip: `10.${(i >> 8) & 255}.${i & 255}.7`,
    });
  }
  return { feeds, papers: ids.map(({ id }) => `/papers/${id}`), api, voters };
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** One request of the mix: 40 % feed, 30 % paper, 20 % search, 7 % API reads, 3 % upvotes. */
function mixedRequest(t: Targets, ids: string[], only?: number) {
  return (req: autocannon.Request) => {
    // `only` pins the draw to one kind of page (feed 0, paper 0.5, search 0.8, API 0.95).
    const r = only ?? Math.random();
    const headers: Record<string, string> = { accept: "text/html" };
    if (r < 0.97) {
      const p =
        r < 0.4
          ? pick(t.feeds)
          : r < 0.7
            ? pick(t.papers)
            : r < 0.9
              ? `/search?q=${encodeURIComponent(pick(QUERIES))}${r < 0.85 ? "" : "&mode=keyword"}`
              : pick(t.api);
      return { ...req, method: "GET" as const, path: p, headers, body: undefined };
    }
    const v = pick(t.voters);
    return {
      ...req,
      method: "POST" as const,
      path: "/api/upvote",
      headers: {
        cookie: v.cookie,
        "x-csrf-token": v.csrf,
        "x-forwarded-for": v.ip,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ arxiv_id: pick(ids), vote: Math.random() < 0.5 ? "1" : "0" }).toString(),
    };
  };
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

async function cannon(
  urls: string[],
  seconds: number,
  setup?: ReturnType<typeof mixedRequest>,
): Promise<Figures> {
  const result = await autocannon({
    // autocannon spreads the connections over several URLs (its types only declare one).
    url: urls as unknown as string,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: setup ? [{ setupRequest: setup as never }] : undefined,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

/**
 * Requests still queued when a run ends (autocannon stops sending, the servers keep working)
 * would be charged to the next run: wait until each node answers a static file promptly again.
 */
async function settle(urls: string[]): Promise<void> {
  for (const u of urls)
    await waitFor(async () => {
      const started = performance.now();
      await (await fetch(`${u}/static/app.css`)).arrayBuffer();
      return performance.now() - started < 100 ? true : undefined;
    }, 120_000);
}

async function measure(label: string, nodes: ServerProcess[], t: Targets): Promise<string[]> {
  const urls = nodes.map((n) => n.url);
  for (const u of urls)
    await waitFor(async () => ((await fetch(`${u}/readyz`)).status === 200 ? true : undefined), 600_000);
  // Warm-up: first requests compile templates and fill caches.
  await cannon(
    urls,
    5,
    mixedRequest(
      t,
      t.papers.map((p) => p.slice(8)),
    ),
  );
  loads.push(`${label}: 1-minute load average ${os.loadavg()[0].toFixed(1)} before the run`);
  const ids = t.papers.map((p) => p.slice(8));
  const runs: [string, Figures][] = [];
  // The references first and last, so that a machine getting busier shows in them.
  await settle(urls);
  runs.push([
    "static CSS (reference)",
    await cannon(
      urls.map((u) => `${u}/static/app.css`),
      SECONDS,
    ),
  ]);
  await settle(urls);
  runs.push(["mixed", await cannon(urls, SECONDS, mixedRequest(t, ids))]);
  for (const [what, at] of [
    ["feed pages", 0],
    ["paper pages", 0.5],
    ["search", 0.8],
    ["API reads", 0.95],
  ] as const) {
    await settle(urls);
    runs.push([what, await cannon(urls, SECONDS, mixedRequest(t, ids, at))]);
  }
  await settle(urls);
  runs.push([
    "/healthz (reference)",
    await cannon(
      urls.map((u) => `${u}/healthz`),
      SECONDS,
    ),
  ]);
  loads.push(`${label}: ${os.loadavg()[0].toFixed(1)} after`);
  const css = runs[0][1];
  // A run that answered nothing has no ratio.
  const ratio = (a: number, b: number, digits: number) => (b > 0 && a > 0 ? (a / b).toFixed(digits) : "–");
  return runs.map(([what, f]) => {
    console.log(`  ${what}: ${JSON.stringify(f)}`);
    return `| ${label} | ${what} | ${f.requests.toLocaleString("en")} | ${f.rps.toFixed(0)} | ${f.p50} | ${f.p99} | ${f.errors} | ${f.non2xx} | ${ratio(f.rps, css.rps, 3)} | ${ratio(f.p99, Math.max(1, css.p99), 1)}× |`;
  });
}

async function onPostgres(): Promise<string[]> {
  const given = values["database-url"];
  const db = given ? await openDatabase({ databaseUrl: given, dataDir: "" }) : await openTestDb("postgres");
  const env = { DATABASE_URL: given ?? (db as Awaited<ReturnType<typeof openTestDb>>).url ?? "" };
  const nodes: ServerProcess[] = [];
  try {
    console.log("postgres: loading");
    await load(env);
    const t = await targets(db);
    const nodeEnv = { ...env, SECRET, TRUST_PROXY: "127.0.0.1", LOG_LEVEL: "error" };
    const node = (i: number) =>
      serverProcess(fs.mkdtempSync(path.join(os.tmpdir(), `dp-load-node${i}-`)), {
        env: nodeEnv,
        timeoutMs: 600_000,
      });
    nodes.push(...(await Promise.all([node(1), node(2)])));
    return await measure("Postgres, 2 nodes", nodes, t);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await db.close();
  }
}

async function onPglite(): Promise<string[]> {
  const dataDir = values["data-dir"] ?? fs.mkdtempSync(path.join(os.tmpdir(), "dp-load-"));
  const env = { DATA_DIR: dataDir };
  let node: ServerProcess | null = null;
  try {
    console.log("pglite: loading");
    await load(env);
    // The data directory has one owner at a time: users are made before the server opens it.
    const db = await openDatabase({ dataDir, databaseUrl: undefined });
    const t = await targets(db);
    await db.close();
    node = await serverProcess(dataDir, {
      env: { SECRET, TRUST_PROXY: "127.0.0.1", LOG_LEVEL: "error" },
      timeoutMs: 600_000,
    });
    return await measure("PGlite, 1 node", [node], t);
  } finally {
    await node?.stop();
    if (!values["data-dir"]) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const loads: string[] = [];
const uptimeBefore = (await run("uptime")).stdout.trim();
const rows: string[] = [];
if (values.only !== "pglite" && process.env.TEST_DATABASE_URL) rows.push(...(await onPostgres()));
if (values.only !== "postgres") rows.push(...(await onPglite()));
const uptimeAfter = (await run("uptime")).stdout.trim();

const report = `# Load: mixed traffic against real serve processes

\`node --import tsx bench/load.bench.ts --seconds ${SECONDS} --connections ${CONNECTIONS}\` (autocannon, ${SECONDS} s per run, after a 5 s
warm-up; the references are the same connections on the static CSS file, before, and on \`/healthz\`, after;
ratios are to the static CSS run: throughput as a share of it, p99 as a multiple of it).
Data: the full Hugging Face import (\`dailypapers import hf-daily ../shared/data/hf-daily\`), the built-in
model trained and every paper embedded. Mix: 40 % feed pages (days and months), 30 % paper pages, 20 %
search (\`/search\`, hybrid by default, a quarter of them keyword), 7 % API reads (daily papers, paper,
search) and 3 % upvotes/undos by ${VOTERS} signed-in users (each with its own address through \`TRUST_PROXY\`).
The load generator runs on the same 2 cores as the servers. Latency in ms; errors are socket errors
and timeouts (10 s); non-2xx are HTTP answers outside 200–299.

Machine before: \`${uptimeBefore}\`
Machine after: \`${uptimeAfter}\`

| setup | traffic | requests | req/s | p50 ms | p99 ms | errors | non-2xx | req/s ÷ CSS | p99 ÷ CSS |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

${loads.map((l) => `- ${l}`).join("\n")}
`;
fs.mkdirSync("bench/results", { recursive: true });
fs.writeFileSync("bench/results/load.md", report);
console.log(report);
