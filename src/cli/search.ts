import type { Command } from "commander";
import type { Queryable } from "../db/client.ts";
import { paperById } from "../papers/store.ts";
import type { Span } from "../search/highlight.ts";
import { hitsWithPapers } from "../search/results.ts";
import { MAX_LIMIT } from "../search/service.ts";
import { SEARCH_MODES, type SearchMode } from "../search/types.ts";
import { CliError } from "./errors.ts";
import { withServices } from "./services.ts";

const BOLD = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);

function spansText(spans: Span[], marks: boolean): string {
  return spans.map((s) => (s.type === "highlight" && marks ? BOLD(s.text) : s.text)).join("");
}

export function registerSearchCommands(program: Command): void {
  program
    .command("search")
    .description("search papers from the command line")
    .argument("<query>", 'words, "phrases", -word, author:, category:, before:, after:, or an arXiv id')
    .option("--json", "print JSON (ids, scores, matched terms, highlights)")
    .option("--limit <n>", `how many results, 1 to ${MAX_LIMIT}`, "10")
    .option("--mode <mode>", `ranking: ${SEARCH_MODES.join(", ")}`, "keyword")
    .option("--no-expand", "search only the words typed, not the other form of their acronyms")
    .action(async (query: string, opts: { json?: boolean; limit: string; mode: string; expand: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new CliError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${opts.limit}"`);
      if (!(SEARCH_MODES as readonly string[]).includes(opts.mode))
        throw new CliError(`--mode must be one of ${SEARCH_MODES.join(", ")}, got "${opts.mode}"`);
      await withServices(async ({ db, search }) => {
        const result = await search.search({
          q: query,
          limit,
          mode: opts.mode as SearchMode,
          expand: opts.expand,
        });
        if (result.query.errors.length > 0) throw new CliError(result.query.errors.join(" "));
        for (const n of result.query.notices) process.stderr.write(`note: ${n}\n`);
        if (result.query.expansions.length > 0)
          process.stderr.write(
            `note: also searched ${result.query.expansions.map((e) => `"${e.added}" (for ${e.typed})`).join(", ")}; --no-expand to turn off\n`,
          );
        if (result.query.arxivId) {
          const paper = await paperById(db, result.query.arxivId);
          if (!paper) throw new CliError(`arXiv ${result.query.arxivId} is not in this database`);
          process.stdout.write(
            opts.json
              ? `${JSON.stringify({ arxivId: paper.arxivId, title: paper.title })}\n`
              : `${paper.arxivId}  ${paper.title}\n`,
          );
          return;
        }
        const rows = await hitsWithPapers(db, result);
        if (opts.json) {
          const out = {
            query: result.query,
            mode: result.mode,
            total: result.total,
            tookMs: result.tookMs,
            hits: rows.map((r) => ({
              ...r.hit,
              title: r.paper.title,
              authors: r.paper.authors.map((a) => a.name),
              highlightedTitle: r.title,
              highlightedSummary: r.snippet,
            })),
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${result.total} papers (${result.mode}, ${result.tookMs} ms)\n\n`);
        if (result.total === 0)
          for (const hint of await unknownCategoryHints(db, result.query.filters.categories))
            process.stderr.write(`note: ${hint}\n`);
        rows.forEach((r, i) => {
          const authors = r.paper.authors
            .slice(0, 4)
            .map((a) => a.name)
            .join(", ");
          process.stdout.write(
            `${i + 1}. ${spansText(r.title, true)}\n   arXiv ${r.paper.arxivId} · ${authors}${r.paper.authors.length > 4 ? ", et al." : ""} · score ${r.hit.score.toFixed(3)}\n   ${spansText(r.snippet, true)}\n\n`,
          );
        });
      });
    });
}

/**
 * "0 papers" for category:cs.XX should say why: no paper here has that category. Runs only on
 * an empty result, so the scan over the categories costs nothing the rest of the time.
 */
async function unknownCategoryHints(db: Queryable, categories: string[]): Promise<string[]> {
  const hints: string[] = [];
  for (const category of categories) {
    const rows = await db.query<{ c: string }>(
      `select distinct c from (select unnest(categories) as c from papers) x
       where lower(c) = $1 or lower(c) like $1 || '.%' or lower(c) like split_part($1, '.', 1) || '.%'
       order by c limit 12`,
      [category],
    );
    if (rows.some((r) => r.c.toLowerCase() === category || r.c.toLowerCase().startsWith(`${category}.`)))
      continue;
    const near = rows.map((r) => r.c);
    hints.push(
      `no paper here has the category "${category}": is it spelt right?${near.length ? ` Known here: ${near.join(", ")}` : ""}`,
    );
  }
  return hints;
}
