import type { Command } from "commander";
import { importSampleIfEmpty } from "../ingest/sample.ts";
import type { RunningServer } from "../server.ts";
import { runServer } from "./run-server.ts";
import { listenConfig } from "./serve.ts";

/** What to do next, in another terminal: those commands work through this server. */
function nextSteps(server: RunningServer, dataDir: string): string {
  const through = server.socketPath
    ? `This server owns ${dataDir}; commands in another terminal (same DATA_DIR) go through it (socket ${server.socketPath}).`
    : "Commands in another terminal with the same DATABASE_URL share this database.";
  return `
${through}
Each command's effect shows on the site at once; imports resume if interrupted and can be re-run safely:
  dailypapers user create --admin --username admin --email you@example.org --password-file pw   your first admin
  dailypapers import hf-daily ../shared/data/hf-daily      Hugging Face daily feeds (a folder of YYYY-MM-DD.json)
  dailypapers import arxiv-snapshot FILE                   arXiv's metadata snapshot (JSON lines, .gz ok)
  dailypapers harvest --set cs                             live arXiv metadata over OAI-PMH
  dailypapers backup FILE.sql                              a consistent backup, while this server runs
(from a clone, run them as: node bin/dailypapers.js ...). Ctrl-C stops the server cleanly.
`;
}

/** `start`: the first-run command. Migrates, loads the sample into an empty database, serves. */
export function registerStartCommands(program: Command): void {
  program
    .command("start")
    .description(
      "start Daily Papers: migrate the database, load the shipped sample if it is empty, and serve",
    )
    .option("--port <n>", "port to listen on (default $PORT or 3000)")
    .option("--host <h>", "address to bind (default $HOST or 127.0.0.1)")
    .option("--no-sample", "do not load the sample into an empty database")
    .action(async (opts: { port?: string; host?: string; sample: boolean }) => {
      const config = listenConfig(opts);
      await runServer(config, {
        command: "dailypapers start",
        // Before the app loads, so the first page anyone sees is already populated.
        prepare: opts.sample
          ? async (db) => {
              const loaded = await importSampleIfEmpty(db);
              if (loaded)
                process.stdout.write(
                  `Empty database: loaded the sample (${loaded.papers} papers, ${loaded.feedEntries} feed entries).\n`,
                );
            }
          : undefined,
        banner: (s) => `Daily Papers is running at ${s.url}\n${nextSteps(s, config.dataDir)}`,
      });
    });
}
