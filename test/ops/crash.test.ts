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
// Independent data directories killed side by side (and the reference run beside them): the
// kills per directory add up to KILLS, in a fraction of the wall time of one long sequence.
const LANES = 2;
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

/** Runs on one data directory, killed at random moments, until `kills` of them died. */
async function killRuns(lane: number, kills: number): Promise<void> {
  const dataDir = path.join(root, `killed-${lane}`);
  let committed: Counts | undefined;
  let killed = 0;
  for (let i = 0; killed < kills; i++) {
    assert.ok(i < kills * 3, `lane ${lane}: the runs kept finishing before their kill`);
    // Lanes start on different modes, so both modes are killed early in the work too.
    const mode = (i + lane) % 2 === 0 ? "cli" : "server";
    const r = await run(mode, dataDir, Math.round(Math.random() * 700));
    assert.ok(r.state, `lane ${lane} run ${i} (${mode}) opened the database: ${r.stderr}`);
    for (const [k, v] of Object.entries(committed ?? {})) {
      // Switching to a newer model (the server retrains as the corpus grows) retires the old vectors.
      if (k === "active_model" || (k === "embeddings" && r.state.active_model !== committed?.active_model))
        continue;
      assert.ok(
        r.state[k] >= v,
        `lane ${lane} run ${i} (${mode}): ${k} ${r.state[k]} < ${v} committed before the kill`,
      );
    }
    if (!r.finished) killed++;
    // A run that finished still checks the state; the next ones redo (idempotent) work.
    committed = r.committed ?? r.state;
  }
}

test(`${KILLS} kill -9s during import, harvest, embedding and digests lose nothing committed`, async () => {
  const perLane = Math.ceil(KILLS / LANES);
  const [reference] = await Promise.all([
    run("cli", path.join(root, "reference"), null),
    ...Array.from({ length: LANES }, (_, lane) => killRuns(lane, perLane)),
  ]);
  assert.ok(reference.finished && reference.committed, reference.stderr);
  const expected = reference.committed;
  await Promise.all(Array.from({ length: LANES }, (_, lane) => finishedAsUninterrupted(lane, expected)));
});

/** A last, uninterrupted run on a killed directory ends with the rows of the run never killed. */
async function finishedAsUninterrupted(lane: number, expected: Counts): Promise<void> {
  const dataDir = path.join(root, `killed-${lane}`);
  const last = await run("server", dataDir, null);
  assert.ok(last.finished, last.stderr);
  const { active_model: _a, ...finished } = last.committed ?? {};
  const { active_model: _b, ...uninterrupted } = expected;
  assert.deepEqual(finished, uninterrupted);
  assert.equal(finished.embeddings, finished.papers, "every paper embedded with the active model");
}
