import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.ts";
import { DataDirBusy } from "../db/lock.ts";
import { registerCommands } from "./commands.ts";
import { CliError } from "./errors.ts";

// The entry point (bin/dailypapers.js imports it): nothing imports this module, so parsing argv
// at load runs once, after every subcommand module has loaded.

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
  if (err instanceof CliError || err instanceof DataDirBusy || err instanceof ConfigError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
