import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { acquireDataDirLock, DataDirBusy, LOCK_FILE, type LockOwner, readOwner } from "../../src/db/lock.ts";
import { cli, serverProcess } from "../helpers/processes.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dp-lock-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `d${++n}`);

/** The pid of a process that has exited (so it is surely not alive). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => child.on("exit", r));
  return child.pid ?? 0;
}

function writeLock(dir: string, owner: Partial<LockOwner>) {
  fs.mkdirSync(dir, { recursive: true });
  const full = {
    startTicks: null,
    bootId: null,
    role: "server",
    command: "dailypapers serve",
    startedAt: "then",
    ...owner,
  };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(full));
}

test("one owner per directory: a second acquire names the first; release frees it", () => {
  const dir = freshDir();
  const lock = acquireDataDirLock(dir, { role: "cli", command: "dailypapers import" });
  assert.equal(readOwner(dir)?.pid, process.pid);
  const busy = (() => {
    try {
      acquireDataDirLock(dir, { role: "server", command: "dailypapers serve" });
    } catch (err) {
      return err;
    }
  })();
  assert.ok(busy instanceof DataDirBusy);
  assert.match(busy.message, new RegExp(`in use by pid ${process.pid} \\(dailypapers import`));
  lock.release();
  assert.equal(readOwner(dir), null);
  assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
  acquireDataDirLock(dir, { role: "server", command: "x" }).release();
});

test("stale locks are taken over: a dead pid, a reused pid (other start time), another boot, garbage", async () => {
  const dead = await deadPid();
  const cases: [string, Partial<LockOwner> | string][] = [
    ["dead pid", { pid: dead }],
    ["pid reused by another process", { pid: process.pid, startTicks: 1 }],
    ["written before a reboot", { pid: process.pid, bootId: "not-this-boot" }],
    ["not a lock at all", "{truncated"],
  ];
  for (const [name, owner] of cases) {
    const dir = freshDir();
    if (typeof owner === "string") {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, LOCK_FILE), owner);
    } else writeLock(dir, owner);
    assert.equal(readOwner(dir), null, name);
    const lock = acquireDataDirLock(dir, { role: "server", command: "dailypapers serve" });
    assert.equal(readOwner(dir)?.pid, process.pid, name);
    lock.release();
  }
});

test("many takeovers of one stale lock at once: exactly one wins", async () => {
  const dir = freshDir();
  writeLock(dir, { pid: await deadPid() });
  const script = `import { acquireDataDirLock } from ${JSON.stringify(path.resolve("src/db/lock.ts"))};
    try { acquireDataDirLock(process.argv[1], { role: "cli", command: "race" }); console.log("won"); setTimeout(() => {}, 1500); }
    catch (e) { console.log("lost"); }`;
  const racers = Array.from({ length: 4 }, () =>
    spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, dir], {
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const outs = await Promise.all(
    racers.map(
      (c) =>
        new Promise<string>((resolve) => {
          let out = "";
          c.stdout.on("data", (d: Buffer) => {
            out += d;
          });
          c.on("exit", () => resolve(out.trim()));
        }),
    ),
  );
  assert.equal(outs.filter((o) => o === "won").length, 1, outs.join(","));
});

test("a second serve refuses at once naming the owner; after kill -9 the next serve takes over", async () => {
  const dir = freshDir();
  const first = await serverProcess(dir);
  try {
    // "At once": about as long as the CLI takes to start at all, not a database open later.
    let t = Date.now();
    await cli(dir, ["--help"]);
    const bare = Date.now() - t;
    t = Date.now();
    const second = await cli(dir, ["serve", "--port", "0"]);
    const refusedIn = Date.now() - t;
    assert.equal(second.code, 1);
    assert.equal(second.stderr.trim().split("\n").length, 1, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(`^error: the data directory .* is in use by pid ${first.child.pid} \\(dailypapers serve`),
    );
    assert.ok(refusedIn < bare * 3 + 2_000, `refused in ${refusedIn} ms; the CLI alone starts in ${bare} ms`);
  } finally {
    const killed = await first.stop("SIGKILL");
    assert.equal(killed.signal, "SIGKILL");
  }
  assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)), "kill -9 leaves the lock behind");
  const next = await serverProcess(dir);
  try {
    assert.equal(readOwner(dir)?.pid, next.child.pid);
    const res = await fetch(`${next.url}/`);
    assert.equal(res.status, 200);
  } finally {
    const exit = await next.stop("SIGTERM");
    assert.equal(exit.code, 0, exit.stderr);
  }
  assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false, "a clean stop releases the lock");
});
