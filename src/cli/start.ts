import type { Command } from "commander";
import { openDatabase } from "../db/open.ts";
import { importSampleIfEmpty } from "../ingest/sample.ts";
import { listen, listenConfig, stopOnSignals } from "./serve.ts";

const NEXT_STEPS = `
Load more papers (each command resumes if interrupted and can be re-run safely):
  dailypapers import hf-daily ../shared/data/hf-daily      Hugging Face daily feeds (a folder of YYYY-MM-DD.json)
  dailypapers import arxiv-snapshot FILE                   arXiv's metadata snapshot (JSON lines, .gz ok)
  dailypapers harvest --set cs                             live arXiv metadata over OAI-PMH
(from a clone, run them as: node bin/dailypapers.js ...)
`;

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
      if (opts.sample) {
        // Load before listening, so the first page anyone sees is already populated.
        const db = await openDatabase(config);
        try {
          const loaded = await importSampleIfEmpty(db);
          if (loaded)
            process.stdout.write(
              `Empty database: loaded the sample (${loaded.papers} papers, ${loaded.feedEntries} feed entries).\n`,
            );
        } finally {
          await db.close();
        }
      }
      const server = await listen(config);
      process.stdout.write(`Daily Papers is running at ${server.url}\n${NEXT_STEPS}`);
      stopOnSignals(server);
    });
}
