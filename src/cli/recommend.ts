import type { Command } from "commander";
import { syncPaperAuthors } from "../authors/store.ts";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { CandidatePools } from "../recommend/pools.ts";
import { recommendFor } from "../recommend/service.ts";
import { DEFAULT_WINDOW_DAYS, forYouWindow } from "../recommend/window.ts";
import { createSearchService } from "../search/service.ts";
import { userByUsername } from "../users/store.ts";
import { CliError } from "./errors.ts";

const MAX_LIMIT = 200;

/** `dailypapers recommend --user NAME`: what a person's For-you feed would show, for an admin. */
export function registerRecommendCommands(program: Command): void {
  program
    .command("recommend")
    .description("show what a person's For-you feed would recommend, with the reasons")
    .requiredOption("--user <name>", "the username")
    .option(
      "--since <date>",
      `rank papers new since YYYY-MM-DD (default: the last ${DEFAULT_WINDOW_DAYS} days)`,
    )
    .option("--all", "rank every paper in the store, not only new ones")
    .option("--limit <n>", `how many, 1 to ${MAX_LIMIT}`, "20")
    .option("--json", "print JSON")
    .action(async (opts: { user: string; since?: string; all?: boolean; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new CliError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${opts.limit}"`);
      if (opts.all && opts.since) throw new CliError("give --since or --all, not both");
      let since: Date | null | undefined;
      const now = new Date();
      if (opts.all) since = null;
      else if (opts.since) {
        since = /^\d{4}-\d{2}-\d{2}$/.test(opts.since) ? new Date(`${opts.since}T00:00:00Z`) : null;
        if (!since || Number.isNaN(since.getTime()) || since.toISOString().slice(0, 10) !== opts.since)
          throw new CliError(`--since must be a date like 2024-08-09, got "${opts.since}"`);
      }
      const db = await openDatabase(loadConfig());
      try {
        if (since === undefined) since = (await forYouWindow(db, now, DEFAULT_WINDOW_DAYS)).since;
        const user = await userByUsername(db, opts.user);
        if (!user) throw new CliError(`there is no user "${opts.user}"`);
        // Whatever the author-index job has still to do (an import just now, no server running):
        // the admin waits for it here rather than seeing a followed author's papers missing.
        await syncPaperAuthors(db);
        const result = await recommendFor(db, new CandidatePools(db), user.id, {
          now,
          since,
          limit,
          search: createSearchService({ db }),
        });
        if (opts.json) {
          const out = {
            user: user.username,
            mode: result.mode,
            since: result.since?.toISOString() ?? null,
            interests: result.interests,
            items: result.items.map((i) => ({
              arxivId: i.paper.arxivId,
              title: i.paper.title,
              score: i.score,
              weak: i.weak,
              interest: i.interest,
              why: i.why,
            })),
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        const scope = since ? `papers since ${since.toISOString().slice(0, 10)}` : "every paper";
        process.stdout.write(
          result.mode === "trending"
            ? `${user.username} has no signals yet: trending papers (${scope})\n`
            : `For ${user.username}, ${scope}; interests: ${result.interests.map((i) => `${i.label} (${i.size})`).join("; ")}\n`,
        );
        result.items.forEach((i, n) => {
          if (i.weak && (n === 0 || !result.items[n - 1].weak))
            process.stdout.write(
              "     weaker matches (below the model's line or like none of their papers; the digest leaves them out):\n",
            );
          process.stdout.write(
            `${String(n + 1).padStart(3)}. ${i.paper.arxivId}  ${i.paper.title}\n       ${i.why.join(" · ")}\n`,
          );
        });
        if (result.items.length === 0) process.stdout.write("nothing to recommend\n");
      } finally {
        await db.close();
      }
    });
}
