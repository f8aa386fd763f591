import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.ts";
import { DataDirBusy } from "../db/lock.ts";
import { registerCommands } from "./commands.ts";
import { CliError } from "./errors.ts";

// The entry point (bin/dailypapers.js imports it): nothing imports this module, so parsing argv
// at load runs once, after every subcommand module has loaded.

const PACKAGE = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../package.json");
const version = (JSON.parse(fs.readFileSync(PACKAGE, "utf8")) as { version: string }).version;

const program = new Command()
  .name("dailypapers")
  .description("Daily Papers: a community-curated research paper feed with AI search and email digests")
  .version(version, "-V, --version", "print the version")
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

// `dailypapers recommend ... | head` closes stdout early: the reader has what it wanted, so the
// command stops quietly instead of dying with an unhandled EPIPE stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

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
