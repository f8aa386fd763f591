import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { runServer } from "./run-server.ts";

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("start the web server")
    .option("--port <n>", "port to listen on (default $PORT or 3000)")
    .option("--host <h>", "address to bind (default $HOST or 127.0.0.1)")
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfig({
        ...process.env,
        ...(opts.port ? { PORT: opts.port } : {}),
        ...(opts.host ? { HOST: opts.host } : {}),
      });
      await runServer(config, {
        command: "dailypapers serve",
        banner: (s) => `Daily Papers is running at ${s.url}\n`,
      });
    });
}
