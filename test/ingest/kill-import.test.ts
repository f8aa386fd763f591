import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openPglite } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { importSnapshot } from "../../src/ingest/snapshot.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { importedState, SNAPSHOT, tempDir } from "./helpers.ts";

const CHILD = path.resolve("test/ingest/fixtures/import-child.ts");

/** Starts the import in a child process and SIGKILLs it right after its first commit. */
function killAfterFirstCommit(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, "arxiv-snapshot", SNAPSHOT, target], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      if (out.includes("committed")) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", () => resolve(out));
  });
}

for (const backend of testBackends()) {
  describe(`an import killed with SIGKILL resumes on ${backend}`, () => {
    let whole: TestDb;
    let dir: string;
    before(async () => {
      whole = await openTestDb(backend);
      dir = tempDir("kill");
    });
    after(async () => {
      await whole.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("snapshot: killed mid-run, run again, equals one uninterrupted run", async () => {
      const full = await importSnapshot(whole, SNAPSHOT, { batchSize: 40 });
      const cut = backend === "postgres" ? await openTestDb(backend) : null;
      const target = cut?.url ?? path.join(dir, "pglite");
      const out = await killAfterFirstCommit(target);
      assert.match(out, /^committed 40\n/);
      assert.doesNotMatch(out, /finished/);
      const db = cut ?? (await openPglite(target));
      try {
        await migrate(db);
        const resumed = await importSnapshot(db, SNAPSHOT, { batchSize: 40 });
        assert.ok((resumed.resumedAfterLine ?? 0) >= 40, String(resumed.resumedAfterLine));
        assert.deepEqual(resumed.counts, full.counts);
        assert.deepEqual(await importedState(db), await importedState(whole));
      } finally {
        await db.close();
      }
    });
  });
}
