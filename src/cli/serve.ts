import type { Command } from "commander";
import { type Config, loadConfig } from "../config.ts";
import { CliError } from "./errors.ts";
import { runServer } from "./run-server.ts";

export interface ListenOptions {
  port?: string;
  host?: string;
}

/** --port and --host over the environment, checked here so a typo is one clear line. */
export function listenConfig(opts: ListenOptions): Config {
  if (opts.port !== undefined && !/^\d{1,5}$/.test(opts.port))
    throw new CliError(`--port must be a port number from 0 to 65535, got "${opts.port}"`);
  if (opts.port !== undefined && Number(opts.port) > 65535)
    throw new CliError(`--port must be a port number from 0 to 65535, got ${opts.port}`);
  return loadConfig({
    ...process.env,
    ...(opts.port ? { PORT: opts.port } : {}),
    ...(opts.host ? { HOST: opts.host } : {}),
  });
}

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("start the web server")
    .option("--port <n>", "port to listen on (default $PORT or 3000)")
    .option("--host <h>", "address to bind (default $HOST or 127.0.0.1)")
    .action(async (opts: ListenOptions) => {
      await runServer(listenConfig(opts), {
        command: "dailypapers serve",
        banner: (s) => `Daily Papers is running at ${s.url}\n`,
      });
    });
}
