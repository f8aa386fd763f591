import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { refreshPlannerStatistics } from "../db/maintenance.ts";
import { openDatabase } from "../db/open.ts";
import { ArxivApiError, fetchArxivPapers } from "../ingest/arxiv-api/client.ts";
import { HarvestError, harvest } from "../ingest/oai/harvest.ts";
import { harvestStates } from "../ingest/oai/store.ts";
import { HttpGiveUpError } from "../ingest/polite-http.ts";
import { createProgress } from "../ingest/progress.ts";
import { syncRunsRecent } from "../ingest/sync/store.ts";
import { upsertPapers } from "../papers/store.ts";
import { nextSyncRun } from "../scheduler/jobs.ts";
import { CliError } from "./errors.ts";

/** `harvest`, `fetch` and `status`: live arXiv ingestion from the command line. */
export function registerIngestCommands(program: Command): void {
  program
    .command("harvest")
    .description(
      "harvest arXiv over OAI-PMH (incremental from the last run unless --from is given; resumes after a crash)",
    )
    .option("--set <set>", "arXiv set: cs, math, q-bio, physics:hep-th, ... (default: all of arXiv)")
    .option("--from <date>", "first datestamp, YYYY-MM-DD (default: the last successful harvest's)")
    .option("--until <date>", "last datestamp, YYYY-MM-DD")
    .option(
      "--format <format>",
      "metadata format: arXiv (authors split, licence) or arXivRaw (versions, submitter)",
      "arXivRaw",
    )
    .action(async (opts: { set?: string; from?: string; until?: string; format: string }) => {
      if (opts.format !== "arXiv" && opts.format !== "arXivRaw")
        throw new CliError(`--format must be arXiv or arXivRaw, got "${opts.format}"`);
      // Checked before anything is printed or opened, so a typo costs one clear line.
      for (const [flag, value] of [
        ["--from", opts.from],
        ["--until", opts.until],
      ] as const)
        if (value !== undefined && !isCalendarDate(value))
          throw new CliError(`${flag} must be a date as YYYY-MM-DD, got "${value}"`);
      const config = loadConfig();
      const db = await openDatabase(config);
      const progress = createProgress({ label: `harvest ${opts.set ?? "all"} (${opts.format})` });
      try {
        const r = await harvest(
          db,
          { set: opts.set, from: opts.from, until: opts.until, format: opts.format },
          { oaiUrl: config.arxivOaiUrl, delayMs: config.arxivDelayMs, progress },
        );
        progress.stop();
        if (r.inserted + r.updated > 0) await refreshPlannerStatistics(db);
        process.stdout.write(
          `${r.resumed ? "resumed and finished" : "finished"} ${r.set || "all sets"} ${r.from ?? "(from the start)"}..${r.until ?? "now"}: ` +
            `${r.records} records in ${r.pages} pages, ${r.inserted} new, ${r.updated} updated, ${r.deleted} deleted, ${r.skipped} skipped` +
            `${r.restarts ? `, window restarted ${r.restarts}x after an expired token` : ""}; next --from ${r.lastDatestamp ?? "(unchanged)"}\n`,
        );
      } catch (err) {
        progress.stop();
        if (err instanceof HarvestError || err instanceof HttpGiveUpError)
          throw new CliError(
            `${err.message}${err instanceof HarvestError && err.userError ? "" : " (run the same command again to resume)"}`,
          );
        throw err;
      } finally {
        await db.close();
      }
    });

  program
    .command("fetch")
    .description("fetch papers from the arXiv API by id or URL and store them")
    .argument("<ids...>", "arXiv ids (2408.03361, 2408.03361v2, hep-th/9901001) or arXiv URLs")
    .action(async (ids: string[]) => {
      const config = loadConfig();
      let result: Awaited<ReturnType<typeof fetchArxivPapers>>;
      try {
        result = await fetchArxivPapers(ids, { apiUrl: config.arxivApiUrl, delayMs: config.arxivDelayMs });
      } catch (err) {
        if (err instanceof ArxivApiError || err instanceof HttpGiveUpError) throw new CliError(err.message);
        throw err;
      }
      const db = await openDatabase(config);
      try {
        const counts = await upsertPapers(db, result.found);
        for (const p of result.found) process.stdout.write(`${p.arxivId}v${p.version ?? "?"}  ${p.title}\n`);
        process.stdout.write(
          `stored ${result.found.length}: ${counts.inserted} new, ${counts.updated} updated, ${counts.unchanged} unchanged\n`,
        );
      } finally {
        await db.close();
      }
      if (result.missing.length > 0) throw new CliError(`not found on arXiv: ${result.missing.join(", ")}`);
    });

  program
    .command("status")
    .description("show the arXiv harvests and the daily sync: last runs, counts, errors, next run")
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase(config);
      try {
        const out: string[] = [];
        out.push(
          config.syncEnabled
            ? `daily sync: on, sets ${config.syncSets.join(", ")} ${config.syncCron ? `on "${config.syncCron}"` : `at ${config.syncTime}`} ${config.syncTz}; next run ${nextSyncRun(config)?.toISOString()}`
            : "daily sync: off (set SYNC_ENABLED=true)",
        );
        const runs = await syncRunsRecent(db, 5);
        for (const r of runs)
          out.push(
            `  run ${r.startedAt.toISOString()} ${r.status}: ${r.records} records, ${r.inserted} new, ${r.updated} updated, ${r.feedAdded} on the feed` +
              (r.error ? `\n    error: ${r.error.replace(/\n/g, "\n    ")}` : ""),
          );
        if (runs.length === 0) out.push("  no sync run yet");
        out.push("harvests:");
        const states = await harvestStates(db);
        for (const s of states)
          out.push(
            `  ${s.setSpec || "all"} (${s.format}) ${s.status}: window ${s.windowFrom ?? "start"}..${s.windowUntil ?? "now"}, ` +
              `${s.records}${s.completeListSize ? `/${s.completeListSize}` : ""} records, ${s.inserted} new, ${s.updated} updated; ` +
              `next --from ${s.lastDatestamp ?? "(start)"}` +
              (s.status === "running" && s.resumptionToken ? "; resumable" : "") +
              (s.lockedBy ? `; locked by ${s.lockedBy}` : "") +
              (s.lastError ? `\n    last error: ${s.lastError}` : ""),
          );
        if (states.length === 0) out.push("  none yet");
        process.stdout.write(`${out.join("\n")}\n`);
      } finally {
        await db.close();
      }
    });
}

function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
