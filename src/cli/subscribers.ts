import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { parseEmail } from "../email/address.ts";
import {
  confirmSubscriber,
  deleteSubscriber,
  ensureSubscriber,
  type SubscriberStatus,
  subscriberByEmail,
  subscribersList,
} from "../email/subscribers-store.ts";
import { requestSubscription } from "../email/subscription.ts";
import { saveTopic } from "../topics/commands.ts";
import { followTopic, setTopicFeatured, topicBySlug, topicsList } from "../topics/store.ts";
import { CliError } from "./errors.ts";
import { withDelivery } from "./services.ts";

const STATUSES = ["pending", "confirmed", "unsubscribed", "suspended"];

export function registerSubscriberCommands(program: Command): void {
  const subs = program.command("subscribers").description("email digest subscribers");

  subs
    .command("list")
    .description("list subscribers (tab-separated: id, email, status, schedule, bounces)")
    .option("--status <status>", `only this status (${STATUSES.join(", ")})`)
    .action(async (opts: { status?: string }) => {
      if (opts.status && !STATUSES.includes(opts.status))
        throw new CliError(`--status must be one of ${STATUSES.join(", ")}`);
      await withDelivery(async (d) => {
        const rows = await subscribersList(d.db, {
          status: opts.status as SubscriberStatus | undefined,
          limit: 1_000_000,
        });
        for (const s of rows) {
          const when = `${s.frequency}${s.frequency === "daily" && s.weekdaysOnly ? " (weekdays)" : ""} ${String(s.sendHour).padStart(2, "0")}:00 ${s.timeZone}`;
          process.stdout.write(`${s.id}\t${s.email}\t${s.status}\t${when}\t${s.bounceCount}\n`);
        }
        process.stderr.write(`${rows.length} subscribers\n`);
      });
    });

  subs
    .command("add <email>")
    .description("subscribe an address: sends the confirmation mail, or with --confirmed adds it confirmed")
    .option("--confirmed", "skip double opt-in (only for addresses that already agreed, e.g. an import)")
    .option("--topic <slug...>", "topics to follow")
    .action(async (email: string, opts: { confirmed?: boolean; topic?: string[] }) => {
      const parsed = parseEmail(email);
      if (!parsed.ok) throw new CliError(parsed.error);
      // Without SMTP the mail would only be logged while the address's hourly slot is used up.
      if (!opts.confirmed && !loadConfig().smtpUrl)
        throw new CliError(
          "SMTP_URL is not set for this command, so no confirmation mail could go out: set it (as the server has it), or add --confirmed for an address that already agreed",
        );
      await withDelivery(async (d) => {
        const topics = [];
        for (const slug of opts.topic ?? []) {
          const t = await topicBySlug(d.db, slug);
          if (!t) throw new CliError(`no topic "${slug}" (see: dailypapers topics list)`);
          topics.push(t);
        }
        if (opts.confirmed) {
          const sub = await ensureSubscriber(d.db, parsed.email, { confirmed: true, now: d.now() });
          if (sub.status !== "confirmed") await confirmSubscriber(d.db, sub.id, d.now());
          for (const t of topics) await followTopic(d.db, sub.id, t.id);
          process.stdout.write(`${parsed.email} is subscribed\n`);
          return;
        }
        const res = await requestSubscription(d, { email: parsed.email, topicId: topics[0]?.id });
        if (!res.ok) throw new CliError(res.error);
        await d.background.drain();
        process.stdout.write(
          `asked ${parsed.email} to confirm (at most one mail an hour goes to an address)\n`,
        );
      });
    });

  subs
    .command("remove <email>")
    .description("delete a subscriber and its digest history")
    .action(async (email: string) => {
      await withDelivery(async (d) => {
        const sub = await subscriberByEmail(d.db, email);
        if (!sub) throw new CliError(`no subscriber with the address ${email}`);
        await deleteSubscriber(d.db, sub.id);
        process.stdout.write(`removed ${sub.email}\n`);
      });
    });

  const topics = program.command("topics").description("topics (saved searches) that digests can follow");
  topics
    .command("list")
    .description("list topics (tab-separated: slug, name, query, featured)")
    .action(async () => {
      await withDelivery(async (d) => {
        for (const t of await topicsList(d.db)) {
          process.stdout.write(`${t.slug}\t${t.name}\t${t.query}\t${t.featured ? "featured" : ""}\n`);
        }
      });
    });
  topics
    .command("add <query>")
    .description('save a search as a topic, e.g. topics add "medical AI" --name "Medical AI" --featured')
    .option("--name <name>", "display name (default: the query)")
    .option("--featured", "feature it: offered to every subscriber")
    .action(async (query: string, opts: { name?: string; featured?: boolean }) => {
      await withDelivery(async (d) => {
        const res = await saveTopic(d.db, { query, name: opts.name, featured: !!opts.featured });
        if (!res.ok) throw new CliError(res.error);
        if (opts.featured && !res.topic.featured) await setTopicFeatured(d.db, res.topic.id, true);
        process.stdout.write(`${res.created ? "saved" : "exists"}: /topics/${res.topic.slug}\n`);
      });
    });
}
