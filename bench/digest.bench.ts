/**
 * Digest delivery at scale: 10,000 confirmed subscribers, each following 3 of 10 topics, get
 * their daily digest rendered and sent over SMTP to a local server (smtp-server in a child
 * process, counting messages). Measures enqueue + render + send end to end, with a few workers
 * sharing the outbox, on PGlite and, when TEST_DATABASE_URL is set, on a Postgres server.
 * Writes bench/results/digest.md.
 *
 *   node --import tsx bench/digest.bench.ts [--subscribers 10000] [--workers 4]
 *
 * With `--for-you`, on PGlite only, the same run is made twice: as above (the reference), and
 * with every subscriber an account with SAVES_PER_PERSON saves of older papers on two of the
 * topics, so each digest also gets its "for you" section, ranked for that person. Each person's
 * model is trained and stored before the run (the recommend-models job's function, timed on its
 * own: on a site it runs when signals change), so the run only applies them. Writes
 * bench/results/digest-foryou.md with the time the sections add.
 */
import { execSync, fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Db } from "../src/db/client.ts";
import { createBackgroundJobs } from "../src/email/background.ts";
import { DEFAULT_POLICY, type DeliveryDeps } from "../src/email/deps.ts";
import { DigestSources } from "../src/email/digest-sources.ts";
import { enqueueDueDigests } from "../src/email/enqueue.ts";
import { createMailer } from "../src/email/mailer.ts";
import { runDigestWorker, type WorkerStats } from "../src/email/worker.ts";
import { upsertFeedEntries } from "../src/feed/store.ts";
import { upsertPapers } from "../src/papers/store.ts";
import type { PaperInput } from "../src/papers/types.ts";
import { CandidatePools } from "../src/recommend/pools.ts";
import { trainStaleModels } from "../src/recommend/service.ts";
import { createSearchService } from "../src/search/service.ts";
import { saveTopic } from "../src/topics/commands.ts";
import { type Backend, openTestDb, testBackends } from "../test/helpers/db.ts";

const { values } = parseArgs({
  options: {
    subscribers: { type: "string", default: "10000" },
    workers: { type: "string", default: "4" },
    "for-you": { type: "boolean", default: false },
  },
});
const FOR_YOU = values["for-you"];
const SAVES_PER_PERSON = 20;
/** Distinct signal patterns among the accounts (seedPeople): saves by id mod 200, topics by id mod 10. */
const PATTERNS = 200;
const SUBSCRIBERS = Number(values.subscribers);
const WORKERS = Number(values.workers);
const NOW = new Date("2026-11-24T09:00:00Z");
const TOPICS = [
  "medical AI",
  "image segmentation",
  "reinforcement learning",
  "diffusion models",
  "language models",
  "robot manipulation",
  "graph neural networks",
  "speech recognition",
  "category:cs.CV object detection",
  "federated learning",
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A day of papers: 2,000 published in the window, titled after the topics, 150 of them on the feed. */
async function seed(db: Db, forYou: boolean) {
  const r = rng(7);
  const words = TOPICS.map((t) => t.replace(/category:\S+ /, ""));
  const papers: PaperInput[] = [];
  for (let i = 0; i < 2000; i++) {
    const a = words[Math.floor(r() * words.length)];
    const b = words[Math.floor(r() * words.length)];
    papers.push({
      arxivId: `2611.${String(10000 + i)}`,
      title: `Towards ${a} with ${b}: study ${i}`,
      abstract:
        `We present a method for ${a}. It builds on ${b} and improves results on three benchmarks. `.repeat(
          4,
        ),
      authors: Array.from({ length: 1 + Math.floor(r() * 8) }, (_, k) => ({ name: `Author ${i}-${k}` })),
      categories: [r() < 0.4 ? "cs.CV" : "cs.LG"],
      publishedAt: new Date(NOW.getTime() - 3_600_000 * (2 + r() * 20)),
      importedUpvotes: Math.floor(r() * 80),
      source: "sample",
    });
  }
  for (let i = 0; i < papers.length; i += 500) await upsertPapers(db, papers.slice(i, i + 500));
  await upsertFeedEntries(
    db,
    papers.slice(0, 150).map((p, i) => ({
      arxivId: p.arxivId,
      feedDate: "2026-11-23",
      submittedBy: null,
      submittedAt: new Date(NOW.getTime() - 3_600_000 * (1 + (i % 20))),
      importedUpvotes: p.importedUpvotes ?? 0,
      origin: "hf" as const,
    })),
  );
  const topicIds: number[] = [];
  for (const q of TOPICS) {
    const t = await saveTopic(db, { query: q, featured: true });
    if (!t.ok) throw new Error(t.error);
    topicIds.push(t.topic.id);
  }
  // Fixture rows in bulk: going through the subscribe form 10,000 times would measure the form.
  await db.query(
    `insert into subscribers (email, status, confirmed_at)
     select 'reader' || g || '@bench.test', 'confirmed', now() from generate_series(1, $1) g`,
    [SUBSCRIBERS],
  );
  await db.query(
    `insert into subscriber_topics (subscriber_id, topic_id)
     select s.id, ($1::int[])[1 + ((s.id + k * 3) % cardinality($1::int[]))]
     from subscribers s, generate_series(0, 2) k on conflict do nothing`,
    [topicIds],
  );
  if (forYou) await seedPeople(db, words);
}

/**
 * Every subscriber an account that saved SAVES_PER_PERSON of a month's older papers, on two of
 * the topics' subjects; rows in bulk, as above.
 */
async function seedPeople(db: Db, words: string[]) {
  const r = rng(11);
  const older: PaperInput[] = [];
  for (let i = 0; i < 2000; i++) {
    const a = words[i % words.length];
    older.push({
      arxivId: `2610.${String(10000 + i)}`,
      title: `On ${a}: an earlier study ${i}`,
      abstract: `We study ${a} and report what works. Our analysis of ${a} covers ${words[Math.floor(r() * words.length)]}.`,
      authors: [{ name: `Earlier Author ${i}` }],
      categories: ["cs.LG"],
      publishedAt: new Date(NOW.getTime() - 86_400_000 * (10 + r() * 20)),
      source: "sample",
    });
  }
  for (let i = 0; i < older.length; i += 500) await upsertPapers(db, older.slice(i, i + 500));
  await db.query(
    `insert into users (username, email, email_verified_at, password_hash)
     select 'reader' || g, 'reader' || g || '@bench.test', now(), 'x' from generate_series(1, $1) g`,
    [SUBSCRIBERS],
  );
  await db.query(
    "update subscribers s set user_id = u.id from users u where u.email = s.email and s.email like '%@bench.test'",
  );
  // Person n saves papers of subjects n mod 10 and (n + 3) mod 10: older paper i is on subject i mod 10.
  await db.query(
    `insert into saves (user_id, arxiv_id, created_at)
     select u.id, '2610.' || (10000 + ((u.id + (k % 2) * 3) % 10) + 10 * ((u.id * 7 + k) % 200)), now() - interval '5 days'
     from users u, generate_series(0, $1 - 1) k where u.email like '%@bench.test' on conflict do nothing`,
    [SAVES_PER_PERSON],
  );
}

/**
 * Person n's saves depend on n mod PATTERNS and their topics on n mod 10 (seed, seedPeople), so
 * account n has the signals of account 1 + (n − 1) mod PATTERNS: checked here, then that account's
 * stored model is stored for n at n's own signal version.
 */
async function copyModelsToTwins(db: Db) {
  const [bad] = await db.query<{ n: number }>(
    `with twin as (select u.id, 1 + (u.id - 1) % $1 as of from users u where u.email like '%@bench.test')
     select count(*)::int as n from twin t where
       array(select arxiv_id from saves where user_id = t.id order by 1) <>
         array(select arxiv_id from saves where user_id = t.of order by 1)
       or array(select topic_id from subscriber_topics st join subscribers s on s.id = st.subscriber_id
                where s.user_id = t.id order by 1) <>
          array(select topic_id from subscriber_topics st join subscribers s on s.id = st.subscriber_id
                where s.user_id = t.of order by 1)`,
    [PATTERNS],
  );
  if (bad.n > 0) throw new Error(`${bad.n} accounts do not have their twin's signals`);
  await db.query(
    `insert into recommend_models (user_id, signal_version, trained_at, model)
     select u.id, v.version, m.trained_at, m.model from users u
     join recommend_signal_versions v on v.user_id = u.id
     join recommend_models m on m.user_id = 1 + (u.id - 1) % $1
     where u.email like '%@bench.test' and u.id > $1
     on conflict (user_id) do nothing`,
    [PATTERNS],
  );
  const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from recommend_models");
  if (n !== SUBSCRIBERS) throw new Error(`${n} models stored for ${SUBSCRIBERS} people`);
}

async function startSink() {
  const child = fork(fileURLToPath(new URL("./smtp-sink.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
  });
  const ask = <T>(msg: string | null) =>
    new Promise<T>((resolve) => {
      child.once("message", (m) => resolve(m as T));
      if (msg) child.send(msg);
    });
  const { port } = await ask<{ port: number }>(null);
  return {
    url: `smtp://127.0.0.1:${port}/?pool=true&maxConnections=${WORKERS}&maxMessages=100000`,
    received: async () => (await ask<{ received: number }>("count")).received,
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send("close");
      }),
  };
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);

const rows: string[] = [];
const runs: { backend: Backend; forYou: boolean }[] = FOR_YOU
  ? [
      { backend: "pglite", forYou: false },
      { backend: "pglite", forYou: true },
    ]
  : testBackends().map((backend) => ({ backend, forYou: false }));
const totals: number[] = [];
let trainS = 0;
for (const { backend, forYou } of runs) {
  const db = await openTestDb(backend);
  const sink = await startSink();
  const seedStart = performance.now();
  await seed(db, forYou);
  const seedS = (performance.now() - seedStart) / 1000;
  const search = createSearchService({ db });
  if (forYou) {
    const t = performance.now();
    // People with the same signals get the same model, so the job's function trains one person
    // of each pattern (the first PATTERNS accounts, trained in id order) and the others get a
    // copy at their own signal version: 10,000 trainings would take longer than the run.
    const trained = await trainStaleModels(db, new CandidatePools(db), {
      now: NOW,
      search,
      max: Math.min(PATTERNS, SUBSCRIBERS),
    });
    await copyModelsToTwins(db);
    trainS = (performance.now() - t) / 1000;
    process.stdout.write(`${trained} models trained, ${SUBSCRIBERS} stored, in ${trainS.toFixed(1)} s\n`);
  }
  const deps: DeliveryDeps = {
    db,
    mailer: createMailer({ smtpUrl: sink.url, from: "Daily Papers <papers@bench.test>" }),
    search,
    secret: "bench-secret",
    baseUrl: "http://papers.test",
    mailFrom: "Daily Papers <papers@bench.test>",
    now: () => NOW,
    background: createBackgroundJobs(console),
    policy: { ...DEFAULT_POLICY, sendRatePerSecond: 1_000_000 },
  };
  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const queued = await enqueueDueDigests(db, NOW);
  const enqueueS = (performance.now() - started) / 1000;
  // The workers of one process share where papers come from, as the scheduler's chunks do.
  const sources = new DigestSources(db, search);
  const stats: WorkerStats[] = await Promise.all(
    Array.from({ length: WORKERS }, () => runDigestWorker(deps, { batchSize: 100, sources })),
  );
  const totalS = (performance.now() - started) / 1000;
  const sent = stats.reduce((n, s) => n + s.sent, 0);
  if (forYou) {
    // What each digest showed, for-you papers included: the sections' size is part of the cost.
    const [shown] = await db.query<{ digests: number; papers: number }>(
      "select count(*)::int as digests, coalesce(avg(cardinality(arxiv_ids)), 0)::float8 as papers from digest_shown_sets",
    );
    process.stdout.write(
      `${shown.digests} digests recorded, ${shown.papers.toFixed(1)} papers each on average\n`,
    );
  }
  deps.mailer.close();
  await new Promise((r) => setTimeout(r, 200));
  totals.push(totalS);
  const line = `| ${backend}${FOR_YOU ? (forYou ? ", with for you" : ", reference: no accounts") : ""} | ${SUBSCRIBERS} | ${queued} | ${sent} | ${await sink.received()} | ${enqueueS.toFixed(1)} s | ${totalS.toFixed(1)} s | ${(sent / totalS).toFixed(0)}/s | ${(peakRss / 2 ** 20).toFixed(0)} MiB | ${seedS.toFixed(1)} s |`;
  process.stdout.write(`${line}\n`);
  rows.push(line);
  await sink.close();
  await db.close();
}
clearInterval(sampler);

if (FOR_YOU) {
  writeForYou();
  process.exit(0);
}

function writeForYou() {
  const [reference, withForYou] = totals;
  const md = `# Digest benchmark with the "for you" section

${SUBSCRIBERS.toLocaleString("en")} confirmed subscribers as in bench/results/digest.md (3 of 10 topics each, 2,000 papers in the window), run
twice in one run on PGlite with ${WORKERS} workers: as there (the reference: email-only subscribers), and with every subscriber an
account that saved ${SAVES_PER_PERSON} older papers on two subjects, so each digest also gets its "for you" section: the person's
stored model (recommend_models) applied to the window's papers, the papers above left out. Goal: the sections add at most
30 s. The models were trained and stored before the run, as the recommend-models job does when a person's signals
change, not part of the digest run: the accounts have ${PATTERNS} distinct signal patterns (saves by id mod ${PATTERNS}, topics by
id mod 10; checked), so one account of each pattern was trained and its model stored for the others at their own
signal version (${trainS.toFixed(0)} s in all).

Machine: ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z; \`${execSync("uptime").toString().trim()}\` at the end.

| run | subscribers | queued | sent | received by SMTP | enqueue | enqueue + render + send | rate | peak RSS | seed (not timed) |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Added by the "for you" sections: ${(withForYou - reference).toFixed(1)} s (${(withForYou / reference).toFixed(2)} × the reference).

Run: \`node --import tsx bench/digest.bench.ts --for-you\`
`;
  fs.writeFileSync("bench/results/digest-foryou.md", md);
}

const md = `# Digest delivery benchmark

${SUBSCRIBERS.toLocaleString("en")} confirmed subscribers, each following 3 of 10 featured topics; 2,000 papers published in the
day's window, 150 of them on the feed (trending). Every subscriber's digest is enqueued, rendered (HTML + text) and sent
over SMTP (pooled nodemailer transport) to a local smtp-server (a child process; peak RSS is the sender's), by ${WORKERS} workers sharing the outbox
(claims with FOR UPDATE SKIP LOCKED). Goal: ≤ 60 s on 2 cores.

Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.
Other jobs were running on the machine at the same time (load average ${os.loadavg()[0].toFixed(1)} at the end), so take the
times as an upper bound.

| backend | subscribers | queued | sent | received by SMTP | enqueue | enqueue + render + send | rate | peak RSS | seed (not timed) |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Run: \`TEST_DATABASE_URL=postgres://… node --import tsx bench/digest.bench.ts\`
`;
fs.mkdirSync("bench/results", { recursive: true });
fs.writeFileSync("bench/results/digest.md", md);
