import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { openDatabase } from "../../src/db/open.ts";
import { cli, type ServerProcess, serverProcess } from "../helpers/processes.ts";
import { WebVisitor, writeSyntheticSnapshot } from "../helpers/synthetic.ts";

/**
 * Issue 9's report, replayed against a real `start`: every CLI command that used to open the
 * server's files from a second process now goes through the server's socket, its effect shows on
 * the site at once, and it survives a restart.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), "dp-through-"));
const dataDir = path.join(root, "data");
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop("SIGKILL");
  fs.rmSync(root, { recursive: true, force: true });
});

/** The README's first-admin command, exactly as written there. */
function readmeAdminCommand(): string[] {
  const readme = fs.readFileSync("README.md", "utf8");
  const line = /^\s*(dailypapers user create --admin .*--password-file pw)\s*$/m.exec(readme)?.[1];
  assert.ok(line, "the README shows the first-admin command");
  return line.split(/\s+/).slice(1);
}

test("with the server up: the README's first admin logs in, an import and votes interleave, all survive a restart", async () => {
  server = await serverProcess(dataDir, { command: "start", args: ["--no-sample"] });
  assert.match(server.output().stdout, /commands in another terminal \(same DATA_DIR\) go through it/);

  // The README's step, run from a folder holding `pw`, as a new user would.
  const password = "a first admin passphrase";
  fs.writeFileSync(path.join(root, "pw"), `${password}\n`);
  const made = await cli(dataDir, readmeAdminCommand(), { cwd: root });
  assert.equal(made.code, 0, made.stderr);
  const admin = /--username (\S+)/.exec(readmeAdminCommand().join(" "))?.[1] ?? "";
  assert.equal(made.stdout.trim(), `Created admin ${admin}`);
  const profile = await fetch(`${server.url}/users/${admin}`);
  assert.equal(profile.status, 200, "the site sees the new user at once");
  const visitor = new WebVisitor(server.url);
  const login = await visitor.submit("/login", "/login", { login: admin, password });
  assert.equal(login.status, 303, login.body.slice(0, 300));
  assert.match((await visitor.get("/mod")).body, /moderat/i, "logged in as an admin");

  // A first import to vote on, then a larger one through the socket while the site takes votes.
  const first = path.join(root, "first.jsonl");
  writeSyntheticSnapshot(first, 30, 2001);
  const seeded = await cli(dataDir, ["import", "arxiv-snapshot", first]);
  assert.equal(seeded.code, 0, seeded.stderr);
  const big = path.join(root, "big.jsonl");
  writeSyntheticSnapshot(big, 1_500, 2101);
  const importing = cli(dataDir, ["import", "arxiv-snapshot", big, "--batch-size", "100"]);
  const votes: number[] = [];
  for (let i = 1; i <= 30; i++) {
    const id = `2001.${String(i).padStart(5, "0")}`;
    const res = await visitor.submit(`/papers/${id}`, "/upvote", { arxiv_id: id, vote: "1" });
    votes.push(res.status);
  }
  const imported = await importing;
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /papers: 1500 inserted/);
  assert.deepEqual(new Set(votes), new Set([303]));

  // On the site at once: the upvotes, and the imported papers in search (the in-process index).
  const paper = await (await fetch(`${server.url}/api/papers/2001.00007`)).json();
  assert.equal((paper as { upvotes: number }).upvotes, 1);
  const hits = (await (
    await fetch(`${server.url}/api/papers/search?q=${encodeURIComponent('"(1499)"')}`)
  ).json()) as {
    paper: { id: string };
  }[];
  assert.ok(
    hits.some((h) => h.paper.id === "2101.01500"),
    "the last imported paper is found by the site's search",
  );

  // A consistent backup through the socket while the site is up.
  const backup = path.join(root, "backup.sql");
  const backedUp = await cli(dataDir, ["backup", backup]);
  assert.equal(backedUp.code, 0, backedUp.stderr);

  const stopped = await server.stop("SIGTERM");
  server = undefined;
  assert.equal(stopped.code, 0, stopped.stderr);

  // No server: the same helper opens the files (under the lock) and finds everything.
  const db = await openDatabase({ dataDir, databaseUrl: undefined });
  try {
    const [counts] = await db.query<{ papers: number; votes: number; admins: number }>(
      `select (select count(*)::int from papers) as papers, (select count(*)::int from upvotes) as votes,
        (select count(*)::int from users where role = 'admin') as admins`,
    );
    assert.deepEqual(counts, { papers: 1_530, votes: 30, admins: 1 });
  } finally {
    await db.close();
  }
  const elsewhere = path.join(root, "restored");
  const restored = await cli(elsewhere, ["restore", backup]);
  assert.equal(restored.code, 0, restored.stderr);
  const again = await openDatabase({ dataDir: elsewhere, databaseUrl: undefined });
  try {
    const [n] = await again.query<{ papers: number; votes: number }>(
      "select (select count(*)::int from papers) as papers, (select count(*)::int from upvotes) as votes",
    );
    assert.deepEqual(n, { papers: 1_530, votes: 30 });
  } finally {
    await again.close();
  }
});
