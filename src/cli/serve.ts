import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { startServer } from "../server.ts";

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
      const server = await startServer(config);
      process.stdout.write(`Daily Papers is running at ${server.url}\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
