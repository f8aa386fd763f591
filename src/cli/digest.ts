import fs from "node:fs";
import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { DigestSources } from "../email/digest-sources.ts";
import { dueDigests, enqueueDueDigests } from "../email/enqueue.ts";
import { previewDigest } from "../email/preview.ts";
import { type Frequency, subscriberByEmail, subscribersByIds } from "../email/subscribers-store.ts";
import { runDigestWorker } from "../email/worker.ts";
import { CliError } from "./errors.ts";
import { withDelivery } from "./services.ts";

function atOption(value: string | undefined): (() => Date) | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime()))
    throw new CliError("--at must be an ISO time such as 2026-11-24T09:00:00Z");
  return () => at;
}

function frequencyOption(value: string | undefined): Frequency | undefined {
  if (value === undefined) return undefined;
  if (value !== "daily" && value !== "weekly") throw new CliError('--period must be "daily" or "weekly"');
  return value;
}

export function registerDigestCommands(program: Command): void {
  const digest = program.command("digest").description("email digests: preview and send");

  digest
    .command("preview")
    .description("print the digest a subscriber would get now (text), or write its HTML to a file")
    .requiredOption("--email <address>", "the subscriber's address")
    .option("--period <daily|weekly>", "which digest (default: the subscriber's choice)")
    .option("--out <file.html>", "write the HTML part here instead of printing the text part")
    .option("--at <iso-time>", "as of this time instead of now")
    .action(async (opts: { email: string; period?: string; out?: string; at?: string }) => {
      const frequency = frequencyOption(opts.period);
      const now = atOption(opts.at);
      await withDelivery(
        async (d) => {
          const sub = await subscriberByEmail(d.db, opts.email);
          if (!sub) throw new CliError(`no subscriber with the address ${opts.email}`);
          const p = await previewDigest(d, sub, { frequency });
          process.stderr.write(
            `${p.rendered.subject} · ${p.period.period} · ${p.period.windowStart.toISOString()} to ${p.period.windowEnd.toISOString()}${p.empty ? " · empty (would not be sent)" : ""}\n`,
          );
          if (opts.out) {
            fs.writeFileSync(opts.out, p.rendered.html);
            process.stdout.write(`wrote ${opts.out}\n`);
          } else process.stdout.write(p.rendered.text);
        },
        { now },
      );
    });

  digest
    .command("send")
    .description("queue the digests that are due and send them (what the scheduler does)")
    .option("--period <daily|weekly>", "only subscribers with this frequency")
    .option("--now", "ignore the send hour and day: send today's digest to everyone due for one")
    .option("--dry-run", "show who would get what; queue and send nothing")
    .option("--at <iso-time>", "as of this time instead of now (to catch up a missed run)")
    .action(async (opts: { period?: string; now?: boolean; dryRun?: boolean; at?: string }) => {
      const frequency = frequencyOption(opts.period);
      const now = atOption(opts.at);
      const config = loadConfig();
      if (!config.smtpUrl && !opts.dryRun)
        process.stderr.write("SMTP_URL is not set: digests go to the log, not to anyone\n");
      await withDelivery(
        async (d) => {
          const due = { frequency, ignoreSchedule: !!opts.now };
          if (opts.dryRun) {
            const entries = await dueDigests(d.db, d.now(), due);
            const subs = await subscribersByIds(
              d.db,
              entries.map((e) => e.subscriberId),
            );
            const sources = new DigestSources(d.db, d.search);
            for (const e of entries) {
              const sub = subs.get(e.subscriberId);
              if (!sub) continue;
              const p = await previewDigest(d, sub, { period: e, sources });
              const papers =
                p.content.trending.length + p.content.topics.reduce((n, s) => n + s.papers.length, 0);
              const verdict = p.empty && !sub.sendEmpty ? "empty, not sent" : `${papers} papers`;
              process.stdout.write(`${sub.email}\t${e.period}\t${verdict}\n`);
            }
            process.stdout.write(`${entries.length} digests due (dry run: nothing queued or sent)\n`);
            return;
          }
          const queued = await enqueueDueDigests(d.db, d.now(), due);
          const stats = await runDigestWorker(d);
          process.stdout.write(
            `queued ${queued}; sent ${stats.sent}, skipped ${stats.skipped} (empty or unsubscribed), retrying ${stats.retried}, failed ${stats.failed}\n`,
          );
        },
        { config, now },
      );
    });
}
