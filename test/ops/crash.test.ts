import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { writeSyntheticSnapshot } from "../helpers/synthetic.ts";

/**
 * kill -9 at random moments of an import, a harvest, embedding and digest sending, alternately
 * of a CLI command holding the lock and of the server (with the work going through its socket):
 * every next start opens the database with at least what the killed run said it committed, and
 * once finished, the rows equal those of a run that was never interrupted.
 */
const CHILD = path.resolve("test/ops/fixtures/crash-child.ts");
const KILLS = 20;
type Counts = Record<string, number>;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dp-crash-"));
let replay: ArxivReplay;
let smtp: TestSmtp;
const snapshot = path.join(root, "snapshot.jsonl");
before(async () => {
  replay = await startArxivReplay({ pageSize: 5 });
  smtp = await startTestSmtp();
  writeSyntheticSnapshot(snapshot, 400);
});
after(async () => {
  await replay.close();
  await smtp.close();
  fs.rmSync(root, { recursive: true, force: true });
});

interface Run {
  state?: Counts;
  committed?: Counts;
  finished: boolean;
  code: number | null;
  stderr: string;
}

/** Runs the child; kills it with SIGKILL `killAfterMs` after it reported its opening state. */
function run(mode: "cli" | "server", dataDir: string, killAfterMs: number | null): Promise<Run> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, mode, dataDir, snapshot, replay.oaiUrl, smtp.url],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const r: Run = { finished: false, code: null, stderr: "" };
  let buffer = "";
  child.stdout.on("data", (d: Buffer) => {
    buffer += d;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf("\n");
      const [word, json] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
      if (line === "finished") r.finished = true;
      else if (word === "state") {
        r.state = JSON.parse(json) as Counts;
        if (killAfterMs !== null) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      } else if (word === "committed") r.committed = JSON.parse(json) as Counts;
    }
  });
  child.stderr.on("data", (d: Buffer) => {
    r.stderr += d;
  });
  return new Promise((resolve) =>
    child.on("close", (code) => {
      r.code = code;
      resolve(r);
    }),
  );
}

test(`${KILLS} kill -9s during import, harvest, embedding and digests lose nothing committed`, async () => {
  const reference = await run("cli", path.join(root, "reference"), null);
  assert.ok(reference.finished && reference.committed, reference.stderr);
  const expected = reference.committed;

  const dataDir = path.join(root, "killed");
  let committed: Counts | undefined;
  let kills = 0;
  for (let i = 0; kills < KILLS; i++) {
    assert.ok(i < KILLS * 3, "the runs kept finishing before their kill");
    const mode = i % 2 === 0 ? "cli" : "server";
    const r = await run(mode, dataDir, Math.round(Math.random() * 700));
    assert.ok(r.state, `run ${i} (${mode}) opened the database: ${r.stderr}`);
    for (const [k, v] of Object.entries(committed ?? {})) {
      // Switching to a newer model (the server retrains as the corpus grows) retires the old vectors.
      if (k === "active_model" || (k === "embeddings" && r.state.active_model !== committed?.active_model))
        continue;
      assert.ok(r.state[k] >= v, `run ${i} (${mode}): ${k} ${r.state[k]} < ${v} committed before the kill`);
    }
    if (!r.finished) kills++;
    // A run that finished still checks the state; the next ones redo (idempotent) work.
    committed = r.committed ?? r.state;
  }
  const last = await run("server", dataDir, null);
  assert.ok(last.finished, last.stderr);
  const { active_model: _a, ...finished } = last.committed ?? {};
  const { active_model: _b, ...uninterrupted } = expected;
  assert.deepEqual(finished, uninterrupted);
  assert.equal(finished.embeddings, finished.papers, "every paper embedded with the active model");
});
