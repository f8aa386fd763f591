import { Command, CommanderError } from "commander";
import { DataDirBusy } from "../db/lock.ts";
import { registerCommands } from "./commands.ts";

/** Errors a user can act on: printed as one line, no stack trace. */
export class CliError extends Error {}

const program = new Command()
  .name("dailypapers")
  .description("Daily Papers: a community-curated research paper feed with AI search and email digests")
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliError || err instanceof DataDirBusy) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
