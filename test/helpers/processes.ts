import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const BIN = path.resolve("bin/dailypapers.js");

/** The environment for a child `dailypapers` on an embedded data directory (no DATABASE_URL). */
export function childEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    SECRET: "test-secret-not-for-production",
    ...extra,
  };
  if (!extra.DATABASE_URL) delete env.DATABASE_URL;
  return env;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `dailypapers ARGS` to the end (asynchronously: the test process may be the server). */
export function cli(
  dataDir: string,
  args: string[],
  opts: { input?: string; env?: Record<string, string>; cwd?: string } = {},
) {
  return startCli(dataDir, args, opts).exit;
}

/** Starts `dailypapers ARGS`, for a test that signals it before it ends. */
export function startCli(
  dataDir: string,
  args: string[],
  opts: { input?: string; env?: Record<string, string>; cwd?: string } = {},
): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: childEnv(dataDir, opts.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin?.end(opts.input ?? "");
  return { child, exit: exited(child) };
}

/** The child's exit, with everything it printed. */
export function exited(child: ChildProcess): Promise<Exit> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Starts `dailypapers serve` (or start) on port 0 and resolves once it prints its URL. */
export function serverProcess(
  dataDir: string,
  opts: {
    command?: "serve" | "start";
    args?: string[];
    env?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, opts.command ?? "serve", ...(opts.args ?? [])], {
    env: childEnv(dataDir, { PORT: "0", ...opts.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const done = exited(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in time:\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 240_000);
    const onData = () => {
      const m = /running at (http:\/\/\S+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve({
        url: m[1],
        child,
        output: () => ({ stdout, stderr }),
        async stop(signal = "SIGTERM") {
          child.kill(signal);
          return done;
        },
      });
    };
    child.stdout?.on("data", onData);
    void done.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited before it started (${e.code ?? e.signal}):\n${e.stdout}\n${e.stderr}`));
    });
  });
}

/** Waits until `check` returns a value other than undefined, polling; fails after timeoutMs. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
