import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openPglite } from "../../src/db/client.ts";
import { harvest } from "../../src/ingest/oai/harvest.ts";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

const SNAPSHOT_SQL = `select arxiv_id, version, title, abstract, authors, categories, license, published_at, updated_at
  from papers order by arxiv_id`;
const ARGS = ["harvest", "--set", "cs", "--from", "2015-01-01", "--format", "arXiv"];

function cli(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["bin/dailypapers.js", ...ARGS], {
    env: { ...process.env, ...env },
    stdio: "pipe",
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

/** The real CLI, killed with SIGKILL once its third page was requested, then run again. */
for (const backend of testBackends()) {
  describe(`harvest killed with SIGKILL on ${backend}`, () => {
    let replay: ArxivReplay;
    let pg: TestDb | undefined;
    let dir: string;
    before(async () => {
      replay = await startArxivReplay({ pageSize: 5 });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-kill-"));
      if (backend === "postgres") pg = await openTestDb(backend);
    });
    after(async () => {
      await replay.close();
      await pg?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("restarted, it finishes with the same database as an uninterrupted run", async () => {
      const env = (name: string) => ({
        ARXIV_OAI_URL: replay.oaiUrl,
        ARXIV_DELAY_MS: "200",
        LOG_LEVEL: "silent",
        DATA_DIR: path.join(dir, name),
        ...(pg?.url ? { DATABASE_URL: pg.url } : {}),
      });
      const snapshot = async (name: string) => {
        if (pg) return pg.query(SNAPSHOT_SQL);
        const db = await openPglite(path.join(dir, name, "pglite"));
        try {
          return await db.query(SNAPSHOT_SQL);
        } finally {
          await db.close();
        }
      };
      // The uninterrupted run happens in-process (a third child would double the test's time).
      const baseline = pg ?? (await openTestDb("pglite"));
      await harvest(
        baseline,
        { set: "cs", from: "2015-01-01", format: "arXiv" },
        { oaiUrl: replay.oaiUrl, delayMs: 0 },
      );
      const uninterrupted = await baseline.query(SNAPSHOT_SQL);
      if (pg) await pg.exec("truncate papers, harvest_state cascade");
      else await baseline.close();
      assert.equal(uninterrupted.length, 19);

      const start = replay.requests.length;
      const victim = cli(env("killed"));
      const killedAt = await new Promise<number>((resolve) => {
        const timer = setInterval(() => {
          if (replay.requests.length - start >= 3) {
            clearInterval(timer);
            victim.kill("SIGKILL");
            resolve(replay.requests.length - start);
          }
        }, 5);
      });
      assert.equal(await exited(victim), null);
      assert.ok(killedAt >= 3);
      const again = cli(env("killed"));
      let out = "";
      again.stdout?.on("data", (c) => {
        out += c;
      });
      assert.equal(await exited(again), 0);
      assert.match(out, /^resumed and finished cs 2015-01-01\.\.now/);
      assert.deepEqual(await snapshot("killed"), uninterrupted);
    });
  });
}
