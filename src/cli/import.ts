import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { refreshPlannerStatistics } from "../db/maintenance.ts";
import { openDatabase } from "../db/open.ts";
import { importHfDaily } from "../ingest/hf-daily.ts";
import { createProgress, duration, type Progress } from "../ingest/progress.ts";
import {
  type ImportCounts,
  ImportInputError,
  ImportInterrupted,
  type ImportOptions,
  issueText,
} from "../ingest/report.ts";
import { importSnapshot } from "../ingest/snapshot.ts";
import { summarizePending } from "../summaries/jobs.ts";
import { CliError } from "./errors.ts";

/**
 * `import arxiv-snapshot FILE` and `import hf-daily PATH`.
 * Exit codes: 0 when the import finished, even with skipped records (each is reported on
 * stderr as FILE:LINE or FILE[INDEX] and counted as failed); 1 when the input is missing or
 * unreadable, or when every record failed (almost surely the wrong file); 130 when
 * interrupted (Ctrl-C stops after the batch in progress; run the same command to resume).
 */
export function registerImportCommands(program: Command): void {
  const cmd = program.command("import").description("import papers from files (resumable, idempotent)");
  cmd
    .command("arxiv-snapshot")
    .description("import arXiv's metadata snapshot (JSON lines, plain or .gz)")
    .argument("<file>", "arxiv-metadata-oai-snapshot.json, or a .gz of it")
    .option("--batch-size <n>", "records per transaction (default 5000; 100 through a running server)")
    .action(async (file: string, opts: { batchSize?: string }) => {
      await runImport("arxiv-snapshot", file, { given: opts.batchSize, alone: 5000 }, async (db, options) => {
        const s = await importSnapshot(db, file, options);
        const resumed = s.resumedAfterLine !== null ? ` (resumed after line ${s.resumedAfterLine})` : "";
        return { counts: s.counts, line: `${s.file}: ${s.lines} lines${resumed}` };
      });
    });
  cmd
    .command("hf-daily")
    .description("import Hugging Face /api/daily_papers responses: a file, or a folder of YYYY-MM-DD.json")
    .argument("<path>", "a response file or a folder of them")
    .option("--batch-size <n>", "entries per transaction (default 500; 100 through a running server)")
    .action(async (input: string, opts: { batchSize?: string }) => {
      await runImport("hf-daily", input, { given: opts.batchSize, alone: 500 }, async (db, options) => {
        const s = await importHfDaily(db, input, options);
        const resumed = s.resumedAfterFile !== null ? ` (resumed after file ${s.resumedAfterFile})` : "";
        const f = s.feedEntries;
        const ignored =
          s.ignoredFiles.length > 0 ? `; ignored (not YYYY-MM-DD.json): ${s.ignoredFiles.join(", ")}` : "";
        return {
          counts: s.counts,
          line:
            `${s.path}: ${s.files} files, ${s.entries} entries${resumed}; ` +
            `feed entries ${f.inserted} inserted, ${f.updated} updated, ${f.unchanged} unchanged${ignored}`,
        };
      });
    });
}

// Summaries run at about 400 papers/s: a big import leaves the rest to the background job.
const IMPORT_SUMMARY_LIMIT = 20_000;

type Run = (db: Db, options: ImportOptions) => Promise<{ counts: ImportCounts; line: string }>;

// Through a server's socket, each batch holds the site's one PGlite session: pages wait up to one
// batch, so batches are small there (bench/results/ops-socket.md).
const SHARED_BATCH = 100;

async function runImport(
  label: string,
  input: string,
  batchSize: { given: string | undefined; alone: number },
  run: Run,
): Promise<void> {
  const givenSize = batchSize.given === undefined ? undefined : Number(batchSize.given);
  // A batch is one transaction, and running web processes re-read changes only 10 s back from
  // their last look (src/search/keyword.ts): a batch must commit well within that.
  if (givenSize !== undefined && (!Number.isInteger(givenSize) || givenSize < 1 || givenSize > 5_000))
    throw new CliError(`--batch-size must be an integer from 1 to 5000, got "${batchSize.given}"`);
  // Fail before opening (and perhaps migrating) the database.
  if (!fs.existsSync(input)) throw new CliError(`no such file or folder: ${path.resolve(input)}`);
  const config = loadConfig();
  const db = await openDatabase(config);
  const size = givenSize ?? (db.sharedWithServer ? SHARED_BATCH : batchSize.alone);
  const progress = createProgress({ label });
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    progress.log("stopping after the batch in progress (Ctrl-C again to quit at once)...");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  const started = Date.now();
  try {
    const { counts, line } = await run(db, withProgress(progress, controller.signal, size));
    progress.stop();
    await refreshPlannerStatistics(db);
    const summarized = await summarizePending(db, {
      max: IMPORT_SUMMARY_LIMIT,
      shouldStop: () => controller.signal.aborted,
    });
    if (summarized > 0)
      process.stdout.write(
        `summaries: ${summarized} papers got an extracted summary and keyphrases${summarized >= IMPORT_SUMMARY_LIMIT ? " (the server's background job, or `dailypapers summaries backfill`, does the rest)" : ""}\n`,
      );
    const seconds = (Date.now() - started) / 1000;
    const records = counts.inserted + counts.updated + counts.unchanged;
    process.stdout.write(
      `${line}\npapers: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged, ` +
        `${counts.failed} failed, ${counts.warnings ?? 0} with warnings in ${duration(seconds)} (${Math.round(records / Math.max(seconds, 0.001))}/s)\n`,
    );
    if (counts.failed > 0 && records === 0)
      throw new CliError(`nothing imported: all ${counts.failed} records failed (see the messages above)`);
  } catch (err) {
    progress.stop();
    if (err instanceof ImportInterrupted) {
      process.stderr.write(`interrupted: ${err.message}; run the same command again to resume\n`);
      process.exitCode = 130;
      return;
    }
    if (err instanceof ImportInputError) throw new CliError(err.message);
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    await db.close();
  }
}

function withProgress(progress: Progress, signal: AbortSignal, batchSize: number): ImportOptions {
  let failed = 0;
  let last = 0;
  return {
    signal,
    batchSize,
    onIssue: (issue) => {
      failed++;
      progress.setStatus(`${failed} failed`);
      progress.log(`skipped ${issueText(issue)}`);
    },
    onWarning: (issue) => progress.log(`warning ${issueText(issue)}`),
    onTotal: (total) => progress.setTotal(total),
    onProgress: (records) => {
      progress.tick(records - last);
      last = records;
    },
  };
}
