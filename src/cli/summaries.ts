import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { summarizePending } from "../summaries/jobs.ts";
import { llmClientFrom, runLlmSummaries } from "../summaries/llm-job.ts";
import { CliError } from "./errors.ts";

export function registerSummaryCommands(program: Command): void {
  const summaries = program
    .command("summaries")
    .description("summaries and keyphrases for papers that came without Hugging Face's");
  summaries
    .command("backfill")
    .description("extract a summary and keyphrases for every paper lacking them (then the LLM's, with --llm)")
    .option("--llm", "also have the LLM_URL endpoint rewrite up to --limit extracted summaries")
    .option("--limit <n>", "LLM summaries to write in this run", "100")
    .action(async (opts: { llm?: boolean; limit: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError("--limit must be a whole number from 1");
      const config = loadConfig();
      const client = opts.llm ? llmClientFrom(config) : null;
      if (opts.llm && !client) throw new CliError("--llm needs LLM_URL (and LLM_MODEL) to be set");
      const db = await openDatabase(config);
      try {
        const started = Date.now();
        const n = await summarizePending(db, {
          onProgress: (done) => process.stderr.write(`\r${done} papers summarised`),
        });
        process.stderr.write("\n");
        process.stdout.write(`extracted ${n} summaries in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        if (client) {
          const r = await runLlmSummaries(db, client, { max: limit });
          process.stdout.write(`LLM: ${r.written} written, ${r.failed} failed\n`);
        }
      } finally {
        await db.close();
      }
    });
}
