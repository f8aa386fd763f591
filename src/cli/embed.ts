import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { runEmbedding, trainBuiltinModel } from "../search/embed/jobs.ts";
import { embeddingMaxSeq, embeddingModels, pendingEmbeddingCount } from "../search/embedding-store.ts";
import { CliError } from "./errors.ts";

export function registerEmbedCommands(program: Command): void {
  const embed = program
    .command("embed")
    .description("semantic search: train the built-in model and embed papers");

  embed
    .command("train")
    .description(
      "learn a new version of the built-in embedding model from the papers (search keeps using the current one)",
    )
    .option("--dims <n>", "dimensions", "256")
    .option("--seed <n>", "random seed (same corpus and seed, same model)", "42")
    .action(async (opts: { dims: string; seed: string }) => {
      const dims = Number(opts.dims);
      const seed = Number(opts.seed);
      if (!Number.isInteger(dims) || dims < 8 || dims > 1024)
        throw new CliError("--dims must be a whole number from 8 to 1024");
      if (!Number.isInteger(seed)) throw new CliError("--seed must be a whole number");
      const db = await openDatabase(loadConfig());
      try {
        const r = await trainBuiltinModel(db, { dims, seed }).catch((e: Error) => {
          throw new CliError(e.message);
        });
        process.stdout.write(
          `trained model ${r.modelId} on ${r.docs} papers (${r.vocab} terms) in ${(r.ms / 1000).toFixed(1)} s; run "dailypapers embed run" to embed papers and switch to it\n`,
        );
      } finally {
        await db.close();
      }
    });

  embed
    .command("run")
    .description(
      "embed papers that lack a vector; switches to a newer model once it has embedded every paper",
    )
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase(config);
      try {
        const started = performance.now();
        const r = await runEmbedding(db, config, {
          onProgress: (id, n) => process.stderr.write(`\rmodel ${id}: ${n} papers embedded`),
        }).catch((e: Error) => {
          throw new CliError(e.message);
        });
        const s = (performance.now() - started) / 1000;
        process.stderr.write("\n");
        process.stdout.write(
          `embedded ${r.embedded} papers in ${s.toFixed(1)} s${r.switchedTo ? `; search now uses model ${r.switchedTo}` : ""}\n`,
        );
      } finally {
        await db.close();
      }
    });

  embed
    .command("status")
    .description("list embedding models and how many papers each has embedded")
    .action(async () => {
      const db = await openDatabase(loadConfig());
      try {
        for (const m of await embeddingModels(db)) {
          const { count } = await embeddingMaxSeq(db, m.id);
          const pending = m.status === "retired" ? 0 : await pendingEmbeddingCount(db, m.id);
          process.stdout.write(
            `${m.id}\t${m.status}\t${m.kind}\t${m.name}\t${m.dims} dims\t${count} embedded\t${pending} pending\n`,
          );
        }
      } finally {
        await db.close();
      }
    });
}
