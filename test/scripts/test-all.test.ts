import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const hasPostgres = fs.existsSync("/usr/lib/postgresql") && fs.readdirSync("/usr/lib/postgresql").length > 0;

/**
 * scripts/test-all.sh with the real Postgres start and stop scripts; only `npm` (the install and
 * the suite, minutes of work) is replaced by a script that records the database URL and passes
 * or fails, so the test is about what the wrapper does around the suite.
 */
async function testAll(npmExit: number, env: Record<string, string> = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dp-test-all-"));
  fs.chmodSync(tmp, 0o755);
  const bin = path.join(tmp, "bin");
  fs.mkdirSync(bin);
  const pgDir = path.join(tmp, "pg");
  fs.writeFileSync(
    path.join(bin, "npm"),
    `#!/bin/sh\n[ "$1" = test ] || exit 0\necho "$TEST_DATABASE_URL" > ${tmp}/url\nexit ${npmExit}\n`,
    { mode: 0o755 },
  );
  const port = String(55000 + Math.floor(Math.random() * 4000));
  const res = await run("bash", ["scripts/test-all.sh"], {
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      PG_TEST_DIR: pgDir,
      PGPORT_TEST: port,
      ...env,
    },
    encoding: "utf8",
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  const url = fs.readFileSync(path.join(tmp, "url"), "utf8").trim();
  const running = () =>
    run("bash", ["-c", `ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1`], { encoding: "utf8" }).then(
      async ({ stdout }) =>
        run("su", ["postgres", "-s", "/bin/bash", "-c", `${stdout.trim()} -D ${pgDir}/data status`]).then(
          () => true,
          () => false,
        ),
    );
  return { res, url, port, pgDir, running, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

test("test-all stops its Postgres after a pass and after a failure, and keeps it on request", {
  skip: !hasPostgres || process.getuid?.() !== 0,
}, async () => {
  const passed = await testAll(0);
  assert.equal(passed.res.code, 0, passed.res.stderr);
  assert.equal(passed.url, `postgres://app@127.0.0.1:${passed.port}/postgres`);
  assert.equal(await passed.running(), false, "stopped after a pass");
  passed.cleanup();

  const failed = await testAll(3);
  assert.equal(failed.res.code, 3, "the suite's failure is the script's exit code");
  assert.equal(await failed.running(), false, "stopped after a failure");
  failed.cleanup();

  const kept = await testAll(0, { KEEP_TEST_POSTGRES: "1" });
  assert.equal(await kept.running(), true, "kept when asked");
  assert.match(kept.res.stdout, /Keeping the test Postgres running/);
  await run("bash", ["scripts/stop-test-postgres.sh"], { env: { ...process.env, PG_TEST_DIR: kept.pgDir } });
  assert.equal(await kept.running(), false);
  kept.cleanup();
});
