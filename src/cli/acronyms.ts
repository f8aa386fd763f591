import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { isReliable } from "../search/acronyms/learn.ts";
import { refreshAcronyms } from "../search/acronyms/refresh.ts";
import { storedAcronyms } from "../search/acronyms/store.ts";

export function registerAcronymCommands(program: Command): void {
  const acronyms = program
    .command("acronyms")
    .description("acronyms learned from the papers, which search expands both ways");

  acronyms
    .command("refresh")
    .description("learn the acronyms from every paper again (the server does it as the corpus grows)")
    .action(async () => {
      const db = await openDatabase(loadConfig());
      try {
        const r = await refreshAcronyms(db);
        if (r)
          process.stdout.write(
            `read ${r.papers} papers in ${(r.ms / 1000).toFixed(1)} s: ${r.pairs} pairs\n`,
          );
      } finally {
        await db.close();
      }
    });

  acronyms
    .command("list")
    .description("the learned pairs with their counts; search uses those marked *")
    .option("--all", "also pairs too rare or too ambiguous to use")
    .action(async (opts: { all?: boolean }) => {
      const db = await openDatabase(loadConfig());
      try {
        for (const a of await storedAcronyms(db)) {
          const used = isReliable(a);
          if (!used && !opts.all) continue;
          process.stdout.write(
            `${used ? "*" : " "} ${a.short.toUpperCase().padEnd(10)} ${a.long}  (${a.papers} papers, ${Math.round(a.share * 100)}%${a.commonWord ? ", also a word" : ""})\n`,
          );
        }
      } finally {
        await db.close();
      }
    });
}
