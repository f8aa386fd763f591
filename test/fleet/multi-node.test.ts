import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makePaper, makeUser, TEST_SECRET } from "../community/helpers.ts";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { openTestDb, type TestDb } from "../helpers/db.ts";
import { type ServerProcess, serverProcess, waitFor } from "../helpers/processes.ts";

/**
 * Three real `serve` processes on one Postgres database, as a deployment runs them: what one
 * node writes the others serve at once, and each recurring job runs on one node at a time,
 * taken over by another when its node is killed in the middle of it.
 */
const run = promisify(execFile);
const skip = process.env.TEST_DATABASE_URL ? false : "needs TEST_DATABASE_URL (a Postgres server)";

interface JobRunRow {
  job: string;
  holder: string;
  due: Date;
  started_at: Date;
  finished_at: Date | null;
  status: string;
}

describe("several web nodes on one Postgres", { skip }, () => {
  let db: TestDb;
  let replay: ArxivReplay;
  let nodes: ServerProcess[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dp-fleet-"));

  before(async () => {
    db = await openTestDb("postgres");
    replay = await startArxivReplay({ pageSize: 4 });
    // The test holds the sync's lease until it is ready to watch: every node waits for it.
    await db.query(
      "insert into job_leases (job, holder, expires_at) values ('arxiv-sync', 'test:0:hold', now() + interval '5 minutes')",
    );
    const env = {
      DATABASE_URL: db.url ?? "",
      SECRET: TEST_SECRET,
      JOB_LEASE_SECONDS: "2",
      SEARCH_SYNC_SECONDS: "1",
      EMBED_INTERVAL_SECONDS: "1",
      // The daily sync every three seconds, slow enough (3 s between pages) to be killed mid-harvest.
      SYNC_ENABLED: "true",
      SYNC_SETS: "cs",
      SYNC_CRON: "*/3 * * * * *",
      ARXIV_OAI_URL: replay.oaiUrl,
      ARXIV_DELAY_MS: "3000",
    };
    // Each node keeps its own derived indexes in a data directory of its own.
    const node = (i: number) => serverProcess(path.join(tmp, `node${i}`), { env });
    nodes = await Promise.all([node(1), node(2), node(3)]);
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await replay?.close();
    await db?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("a vote cast on one node is counted on the others at once", async () => {
    const paper = await makePaper(db);
    const voter = await makeUser(db);
    const res = await fetch(`${nodes[0].url}/api/upvote`, {
      method: "POST",
      headers: {
        cookie: voter.cookie,
        "x-csrf-token": voter.csrf,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ arxiv_id: paper.arxivId, vote: "1" }),
    });
    assert.equal(res.status, 200, await res.text());
    for (const n of nodes.slice(1)) {
      const p = (await (await fetch(`${n.url}/api/papers/${paper.arxivId}`)).json()) as { upvotes: number };
      assert.equal(p.upvotes, 1, `counted on ${n.url}`);
    }
  });

  test("a paper imported while the nodes run is found by search on every node", async () => {
    const file = path.join(tmp, "one.jsonl");
    const record = {
      id: "2412.00042",
      submitter: "Test",
      authors: "Ada Lovelace",
      title: "Quasarzyx lattices for fleet tests",
      abstract: "A quasarzyx study.",
      categories: "cs.DC",
      versions: [{ version: "v1", created: "Mon, 2 Dec 2024 10:00:00 GMT" }],
      update_date: "2024-12-02",
    };
    fs.writeFileSync(file, `${JSON.stringify(record)}\n`);
    await run(process.execPath, ["bin/dailypapers.js", "import", "arxiv-snapshot", file], {
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: db.url ?? "", LOG_LEVEL: "warn" },
    });
    const imported = Date.now();
    for (const n of nodes) {
      await waitFor(async () => {
        const r = (await (await fetch(`${n.url}/api/papers/search?q=quasarzyx`)).json()) as {
          paper: { id: string };
        }[];
        return r.some((x) => x.paper.id === "2412.00042") ? true : undefined;
      });
    }
    // Within the sync interval (1 s here), with room for a loaded machine.
    assert.ok(Date.now() - imported < 5000);
  });

  test("recurring jobs run on one node at a time; a node killed mid-job is taken over", async () => {
    const byPid = new Map(nodes.map((n) => [n.child.pid, n]));
    assert.equal((await db.query("select 1 from job_runs where job = 'arxiv-sync'")).length, 0, "all waited");
    await db.query("update job_leases set holder = null, expires_at = now() where job = 'arxiv-sync'");
    // The first page of a harvest is committed and the next is 3 s away: kill that node now.
    // (a sync run with its first page committed)
    const victim = await waitFor(async () => {
      const [r] = await db.query<{ holder: string }>(
        `select r.holder from job_runs r, harvest_state h
           where r.job = 'arxiv-sync' and r.status = 'running' and h.status = 'running' and h.pages >= 1`,
      );
      return r ? r.holder : undefined;
    }, 30_000);
    const killed = byPid.get(Number(victim.split(":")[1]));
    assert.ok(killed, `the holder ${victim} is one of the nodes`);
    killed.child.kill("SIGKILL");
    const killedAt = Date.now();

    // (another node to finish the sync)
    const takeover = await waitFor(async () => {
      const rows = await db.query<JobRunRow>(
        "select * from job_runs where job = 'arxiv-sync' and holder <> $1 and status = 'ok' and started_at > now() - interval '30 seconds'",
        [victim],
      );
      const [h] = await db.query<{ status: string }>("select status from harvest_state");
      return rows.length > 0 && h.status === "done" ? rows : undefined;
    }, 30_000);
    assert.ok(takeover.length > 0);
    assert.ok(Date.now() - killedAt < 25_000);
    const [killedRun] = await db.query<JobRunRow>(
      "select * from job_runs where holder = $1 and job = 'arxiv-sync' order by id desc limit 1",
      [victim],
    );
    assert.equal(killedRun.status, "abandoned");
    // Every record of the harvest arrived once, the killed page included.
    const [{ n }] = await db.query<{ n: number }>(
      "select count(*)::int as n from papers where source = 'oai-pmh'",
    );
    assert.equal(n, replay.archive.arXivRaw.length);

    // One node at a time: no two runs of a job overlap, whichever nodes ran them.
    const runs = await db.query<JobRunRow>("select * from job_runs order by job, started_at");
    const holders = new Set<string>();
    for (let i = 1; i < runs.length; i++) {
      const [prev, cur] = [runs[i - 1], runs[i]];
      holders.add(cur.holder);
      if (prev.job !== cur.job) continue;
      assert.ok(prev.finished_at, `${prev.job} run by ${prev.holder} ended before the next started`);
      assert.ok(
        prev.finished_at.getTime() <= cur.started_at.getTime(),
        `${cur.job}: ${cur.holder} started at ${cur.started_at.toISOString()} while ${prev.holder} ran until ${prev.finished_at.toISOString()}`,
      );
    }
    assert.ok(runs.filter((r) => r.job === "embeddings").length >= 2, "the embedding job ran too");
    assert.ok(holders.size >= 2, "jobs moved between nodes");
  });
});
