import type { Command } from "commander";
import { registerEmbedCommands } from "./embed.ts";
import { registerIngestCommands } from "./ingest.ts";
import { registerSearchCommands } from "./search.ts";
import { registerServeCommands } from "./serve.ts";
import { registerUserCommands } from "./user.ts";

/** Every subcommand, in the order `dailypapers --help` lists them. */
export function registerCommands(program: Command): void {
  registerServeCommands(program);
  registerUserCommands(program);
  registerIngestCommands(program);
  registerSearchCommands(program);
  registerEmbedCommands(program);
}
