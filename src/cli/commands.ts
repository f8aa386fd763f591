import type { Command } from "commander";
import { registerServeCommands } from "./serve.ts";

/** Every subcommand, in the order `dailypapers --help` lists them. */
export function registerCommands(program: Command): void {
  registerServeCommands(program);
}
