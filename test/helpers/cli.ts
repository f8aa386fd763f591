import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI (bin/dailypapers.js) in a child process; async, so servers in the test keep answering. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const r = await run(process.execPath, ["bin/dailypapers.js", ...args], { env, encoding: "utf8" });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
