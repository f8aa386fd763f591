import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { openPglite } from "../../src/db/client.ts";
import { verifyPassword } from "../../src/users/password.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-user-cli-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, ["bin/dailypapers.js", "user", ...args], {
    env,
    input,
    encoding: "utf8",
  });
}

test("user create makes the first admin from a password file or stdin, never from argv", async () => {
  const pwFile = path.join(dir, "pw.txt");
  fs.writeFileSync(pwFile, "first admin passphrase\n");
  const made = cli([
    "create",
    "--admin",
    "--username",
    "root",
    "--email",
    "root@example.com",
    "--password-file",
    pwFile,
  ]);
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.stdout, /Created admin root/);
  const piped = cli(
    ["create", "--username", "\uff4d\uff4f\uff44", "--email", "mod@example.com"],
    "piped passphrase 123\n",
  );
  assert.equal(piped.status, 0, piped.stderr);
  const weak = cli(["create", "--username", "weak", "--email", "weak@example.com"], "short\n");
  assert.equal(weak.status, 1);
  assert.equal(weak.stderr.trim(), "error: Use a password of at least 10 characters.");
  const dup = cli(["create", "--username", "ROOT", "--email", "x@example.com"], "another passphrase\n");
  assert.match(dup.stderr, /username is taken/);
  const role = cli(["role", "--username", "mod", "--role", "moderator"]);
  assert.equal(role.status, 0, role.stderr);
  assert.equal(cli(["role", "--username", "ghost", "--role", "admin"]).status, 1);

  const db = await openPglite(path.join(dir, "pglite"));
  try {
    const rows = await db.query<{ username: string; role: string; password_hash: string; verified: boolean }>(
      `select username, role, password_hash, email_verified_at is not null as verified from users order by id`,
    );
    assert.deepEqual(
      rows.map((r) => [r.username, r.role, r.verified]),
      [
        ["root", "admin", true],
        ["mod", "moderator", true],
      ],
    );
    assert.equal(await verifyPassword(rows[0].password_hash, "first admin passphrase"), true);
    assert.equal(await verifyPassword(rows[1].password_hash, "piped passphrase 123"), true);
  } finally {
    await db.close();
  }
});
