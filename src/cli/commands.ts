import type { Command } from "commander";
import { registerAcronymCommands } from "./acronyms.ts";
import { registerBackupCommands } from "./backup.ts";
import { registerDigestCommands } from "./digest.ts";
import { registerEmbedCommands } from "./embed.ts";
import { registerImportCommands } from "./import.ts";
import { registerIngestCommands } from "./ingest.ts";
import { registerRecommendCommands } from "./recommend.ts";
import { registerSearchCommands } from "./search.ts";
import { registerServeCommands } from "./serve.ts";
import { registerStartCommands } from "./start.ts";
import { registerSubscriberCommands } from "./subscribers.ts";
import { registerSummaryCommands } from "./summaries.ts";
import { registerUserCommands } from "./user.ts";

/** Every subcommand, in the order `dailypapers --help` lists them. */
export function registerCommands(program: Command): void {
  registerStartCommands(program);
  registerServeCommands(program);
  registerUserCommands(program);
  registerImportCommands(program);
  registerIngestCommands(program);
  registerSearchCommands(program);
  registerEmbedCommands(program);
  registerAcronymCommands(program);
  registerSummaryCommands(program);
  registerDigestCommands(program);
  registerSubscriberCommands(program);
  registerRecommendCommands(program);
  registerBackupCommands(program);
}
