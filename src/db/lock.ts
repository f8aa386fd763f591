import fs from "node:fs";
import path from "node:path";

/**
 * One owner per PGlite data directory. PGlite is a database for one process: two processes on
 * the same files corrupt them (issue 9). Whoever opens the files first holds this lock for its
 * whole life; everyone else either talks to the owner through its socket or is refused.
 *
 * The lock is a file created atomically with link(2): its content is complete from the moment it
 * exists, so a reader never sees half an owner. It names the owner by pid *and* the pid's start
 * time (and the boot), so a lock left by a process that died (kill -9, power cut) is recognised as
 * stale even when the pid has since been reused, and is taken over.
 */
export interface LockOwner {
  pid: number;
  /** The owner's start time in clock ticks since boot (/proc/PID/stat field 22); null off Linux. */
  startTicks: number | null;
  bootId: string | null;
  /** "server" owners serve their database on `socket`; "cli" owners use the files themselves. */
  role: "server" | "cli";
  /** What the owner is running, for messages (e.g. "dailypapers import arxiv-snapshot"). */
  command: string;
  startedAt: string;
  /** Unix socket path, when the owner serves its database (set after it listens). */
  socket?: string;
}

export class DataDirBusy extends Error {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `the data directory ${dir} is in use by pid ${owner.pid} (${owner.command}, since ${owner.startedAt}); ` +
        (owner.role === "server"
          ? "stop that server first, or run commands against it"
          : "wait for it to finish"),
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Records the socket the owner serves on, atomically (readers see the old or the new file). */
  setSocket(socket: string | undefined): void;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

export const LOCK_FILE = "dailypapers.lock";
// A takeover holds this for a few milliseconds; one older than this was left by a crash.
const TAKEOVER_STALE_MS = 10_000;

function procStartTicks(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) may hold spaces and parentheses: count fields after its closing one.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[19]);
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the process that wrote this lock is still the one running under its pid. */
function ownerAlive(owner: LockOwner): boolean {
  if (owner.pid <= 0) return false;
  if (owner.bootId && bootId() && owner.bootId !== bootId()) return false;
  if (!pidAlive(owner.pid)) return false;
  if (owner.startTicks === null) return true;
  return procStartTicks(owner.pid) === owner.startTicks;
}

/** The live owner of a data directory, or null when it is free (no lock, or a stale one). */
export function readOwner(dir: string): LockOwner | null {
  const owner = readLockFile(path.join(dir, LOCK_FILE));
  return owner && ownerAlive(owner) ? owner : null;
}

function readLockFile(file: string): LockOwner | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    if (Number.isInteger(o.pid) && o.pid > 0) return o;
  } catch {
    // Not ours or truncated (a crash while writing the temporary file cannot cause this: the
    // lock appears only complete). Treat it as stale.
  }
  return { pid: 0, startTicks: null, bootId: null, role: "cli", command: "unknown", startedAt: "" };
}

function writeAtomically(file: string, owner: LockOwner, mode: "create" | "replace"): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  try {
    if (mode === "replace") {
      fs.renameSync(tmp, file);
      return true;
    }
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Removes a stale lock under a short takeover lock, so two processes never both take over. */
function removeIfStale(dir: string, file: string): void {
  const takeover = path.join(dir, `${LOCK_FILE}.takeover`);
  try {
    fs.mkdirSync(takeover);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const st = fs.statSync(takeover, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > TAKEOVER_STALE_MS)
      fs.rmSync(takeover, { recursive: true, force: true });
    // Someone else is taking over (or we just cleared a crashed takeover): give it a moment.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    return;
  }
  try {
    const owner = readLockFile(file);
    if (owner && !ownerAlive(owner)) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(takeover, { recursive: true, force: true });
  }
}

/** Takes the data directory's lock, or throws DataDirBusy naming its live owner. */
export function acquireDataDirLock(
  dir: string,
  opts: { role: LockOwner["role"]; command: string },
): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  let owner: LockOwner = {
    pid: process.pid,
    startTicks: procStartTicks(process.pid),
    bootId: bootId(),
    role: opts.role,
    command: opts.command,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    if (writeAtomically(file, owner, "create")) break;
    const current = readLockFile(file);
    if (current && ownerAlive(current)) throw new DataDirBusy(dir, current);
    if (attempt >= 50) throw new Error(`could not take over the stale lock ${file}`);
    removeIfStale(dir, file);
  }
  let released = false;
  const ours = () => readLockFile(file)?.pid === process.pid;
  return {
    path: file,
    get owner() {
      return owner;
    },
    setSocket(socket) {
      owner = { ...owner, socket };
      if (!released && ours()) writeAtomically(file, owner, "replace");
    },
    release() {
      if (released) return;
      released = true;
      if (ours()) fs.rmSync(file, { force: true });
    },
  };
}

/**
 * Opens something under a lock just taken: the lock goes when its close() has run, or at once
 * when opening fails.
 */
export async function holdingLock<T extends { close(...args: never[]): Promise<void> }>(
  lock: DataDirLock,
  open: () => Promise<T>,
): Promise<T> {
  let opened: T;
  try {
    opened = await open();
  } catch (err) {
    lock.release();
    throw err;
  }
  const close = opened.close.bind(opened);
  return Object.assign(opened, {
    async close(...args: never[]) {
      try {
        await close(...args);
      } finally {
        lock.release();
      }
    },
  });
}
