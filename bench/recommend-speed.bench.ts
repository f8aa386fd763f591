/**
 * "For you" speed (`npm run bench:recommend-speed`): PAPERS generated papers of the last week
 * (recombined SciFact sentences, bench/search-corpus.ts) with structured 256-dim vectors (64
 * cluster centres plus noise) as the active model's, USERS people with SIGNALS saves each over 4
 * clusters, and an API token each. After every person's first visit (which trains their ranker),
 * REQUESTS requests alternate GET /for-you and GET /api/for-you (through the real app, in
 * process) for random people; before CHANGE_SHARE of them the person saves one more paper
 * (POST /save), so that request retrains. Reference in the same run: the same ranking trained on
 * every request, as before the ranker cache. Appends to bench/results/recommend-speed.md.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import pino from "pino";
import { insertApiToken, newTokenSecret } from "../src/api-tokens/store.ts";
import { loadConfig } from "../src/config.ts";
import { openPglite } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { upsertPapers } from "../src/papers/store.ts";
import type { PaperInput } from "../src/papers/types.ts";
import { DEFAULT_RANK_OPTIONS } from "../src/recommend/rank.ts";
import { recommendFor, windowStart } from "../src/recommend/service.ts";
import {
  activateEmbeddingModel,
  insertEmbeddingModel,
  upsertPaperEmbeddings,
} from "../src/search/embedding-store.ts";
import { buildServices } from "../src/services.ts";
import { buildApp } from "../src/web/app.ts";
import { makeUser, TEST_SECRET } from "../test/community/helpers.ts";
import { generatePapers, rng } from "./search-corpus.ts";

const PAPERS = Number(process.env.PAPERS ?? 100_000);
const USERS = Number(process.env.USERS ?? 100);
const SIGNALS = 200;
const REQUESTS = Number(process.env.REQUESTS ?? 1000);
const CHANGE_SHARE = 0.02;
const REFERENCE_RUNS = Number(process.env.REFERENCE_RUNS ?? 10);
const DIMS = 256;
const CLUSTERS = 64;
const DAY = 86_400_000;
const now = new Date();
const rand = rng(11);
const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
const unit = (v: Float32Array) => {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
};
const pct = (xs: number[], q: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const started = performance.now();

const db = await openPglite(undefined);
await migrate(db);
const centres = Array.from({ length: CLUSTERS }, () => unit(Float32Array.from({ length: DIMS }, gauss)));
const clusterOf: number[] = [];
const ids: string[] = [];
const modelId = await insertEmbeddingModel(db, { kind: "remote", name: "bench", dims: DIMS, params: {} });
let batch: PaperInput[] = [];
const flush = async () => {
  await upsertPapers(db, batch);
  await upsertPaperEmbeddings(
    db,
    modelId,
    DIMS,
    batch.map((p) => {
      const c = clusterOf[ids.indexOf(p.arxivId, ids.length - batch.length)];
      return {
        arxivId: p.arxivId,
        hash: "bench",
        vector: unit(Float32Array.from(centres[c], (x) => x + 0.08 * gauss())),
      };
    }),
  );
  batch = [];
};
for (const p of generatePapers(PAPERS, 5)) {
  clusterOf.push(Math.floor(rand() * CLUSTERS));
  ids.push(p.arxivId);
  batch.push({ ...p, publishedAt: new Date(now.getTime() - rand() * 6 * DAY), source: "sample" });
  if (batch.length === 2000) await flush();
}
if (batch.length > 0) await flush();
await db.query("update embedding_models set status = 'embedding' where id = $1", [modelId]);
await activateEmbeddingModel(db, modelId);
const seedS = (performance.now() - started) / 1000;
console.log(`${PAPERS} papers and vectors stored in ${seedS.toFixed(0)} s`);

console.log("building the app");
const config = loadConfig({ SECRET: TEST_SECRET });
const services = await buildServices(config, {
  db,
  log: pino({ level: "silent" }),
  now: () => now,
  indexDir: null,
});
const pools = services.forYouPools;
const app = await buildApp(services);

interface Person {
  client: Awaited<ReturnType<typeof makeUser>>;
  token: string;
  clusters: number[];
}
const people: Person[] = [];
for (let u = 0; u < USERS; u++) {
  const client = await makeUser(db, { now });
  const token = newTokenSecret();
  await insertApiToken(db, client.userId, "bench", token);
  const r = rng(100 + u);
  const clusters = Array.from({ length: 4 }, () => Math.floor(r() * CLUSTERS));
  const mine = ids.filter((_, i) => clusters.includes(clusterOf[i]));
  if (mine.length < SIGNALS)
    throw new Error(`too few papers for ${SIGNALS} saves on 4 subjects: set PAPERS higher`);
  const saves = new Set<string>();
  while (saves.size < SIGNALS) saves.add(mine[Math.floor(r() * mine.length)]);
  // Fixture rows in bulk; the timed part saves through the site.
  await db.query(
    "insert into saves (user_id, arxiv_id, created_at) select $1, x, $3 from unnest($2::text[]) x",
    [client.userId, [...saves], new Date(now.getTime() - 30 * DAY)],
  );
  people.push({ client, token, clusters });
}
console.log(`${USERS} people with ${SIGNALS} saves each`);

const get = async (p: Person, api: boolean) => {
  const t0 = performance.now();
  const res = await app.inject(
    api
      ? { url: "/api/for-you", headers: { authorization: `Bearer ${p.token}` } }
      : { url: "/for-you", headers: { cookie: p.client.cookie } },
  );
  const took = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}`);
  return took;
};

let t = performance.now();
await get(people[0], false);
const poolS = (performance.now() - t) / 1000;
console.log(`pool built and first person ranked in ${poolS.toFixed(1)} s`);
const firstVisit: number[] = [];
for (const p of people.slice(1)) firstVisit.push(await get(p, false));
console.log(`first visits: p50 ${ms(pct(firstVisit, 0.5))} ms, p95 ${ms(pct(firstVisit, 0.95))} ms`);

const pick = rng(7);
const page: number[] = [];
const api: number[] = [];
const afterChange: number[] = [];
for (let k = 0; k < REQUESTS; k++) {
  const p = people[Math.floor(pick() * people.length)];
  let changed = false;
  if (pick() < CHANGE_SHARE) {
    const i = Math.floor(pick() * PAPERS);
    const res = await app.inject({
      method: "POST",
      url: "/save",
      headers: { cookie: p.client.cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _csrf: p.client.csrf, arxiv_id: ids[i], on: "1" }).toString(),
    });
    if (res.statusCode >= 400) throw new Error(`save: ${res.statusCode}`);
    changed = true;
  }
  const took = await get(p, k % 2 === 1);
  (changed ? afterChange : k % 2 === 1 ? api : page).push(took);
}
const all = [...page, ...api, ...afterChange];

// The reference: every request trains (explicit rank options bypass the cache).
const reference: number[] = [];
for (let k = 0; k < REFERENCE_RUNS; k++) {
  const p = people[k % people.length];
  t = performance.now();
  await recommendFor(db, pools, p.client.userId, {
    now,
    since: windowStart(now),
    limit: 30,
    rank: { ...DEFAULT_RANK_OPTIONS },
    search: services.search,
  });
  reference.push(performance.now() - t);
}
const load = execSync("uptime")
  .toString()
  .trim()
  .replace(/.*load/, "load");
const line = `| ${now.toISOString().slice(0, 16)} | ${PAPERS} | ${USERS} × ${SIGNALS} | ${REQUESTS} | ${ms(pct(page, 0.5))} / ${ms(pct(page, 0.95))} | ${ms(pct(api, 0.5))} / ${ms(pct(api, 0.95))} | ${ms(pct(all, 0.5))} / ${ms(pct(all, 0.95))} | ${afterChange.length}: ${ms(pct(afterChange, 0.5))} / ${ms(pct(afterChange, 0.95))} | ${ms(pct(reference, 0.5))} / ${ms(pct(reference, 0.95))} | ${(pct(all, 0.95) / pct(reference, 0.95)).toFixed(4)} | ${ms(pct(firstVisit, 0.5))} / ${ms(pct(firstVisit, 0.95))} | ${poolS.toFixed(0)} s | ${load} |`;
console.log(line);
const file = "bench/results/recommend-speed.md";
const header = `# "For you" speed: /for-you and /api/for-you with the ranker cache

Run by \`npm run bench:recommend-speed\` (bench/recommend-speed.bench.ts): generated papers of the last week with
structured 256-dim vectors as the active model's, people with 200 saves each over 4 subjects, requests through the
real app in process (\`app.inject\`, PGlite). After each person's first visit, requests alternate the page and the API
for random people; before 2% of them the person saves one more paper through POST /save, so that request retrains.
Goal: p95 ≤ 50 ms for a person with 200 signals over 100k candidates. Reference in the same run: the same ranking
trained on every request (as before the cache). Times in ms, p50 / p95.

| when | papers | people × saves | requests | /for-you | /api/for-you | all | after a save (n: p50 / p95) | reference: trained per request | p95 ratio | first visit | pool build | machine |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;
if (!fs.existsSync(file) || !fs.readFileSync(file, "utf8").includes("ranker cache"))
  fs.writeFileSync(file, header);
fs.appendFileSync(file, `${line}\n`);
await app.close();
await services.close();
await db.close();
