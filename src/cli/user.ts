import fs from "node:fs";
import readline from "node:readline";
import type { Command } from "commander";
import { ModerationError } from "../community/moderation.ts";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { AccountError, createAccount } from "../users/commands.ts";
import { userByUsername, userRoleSet } from "../users/store.ts";
import type { Role } from "../users/types.ts";
import { CliError } from "./errors.ts";

/** Hidden prompt on a terminal; otherwise the first line of stdin (for scripts and pipes). */
async function readPassword(file: string | undefined): Promise<string> {
  if (file) {
    try {
      return fs.readFileSync(file, "utf8").split(/\r?\n/)[0];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(
        `cannot read --password-file ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a folder" : (err as Error).message}`,
      );
    }
  }
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0];
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write("Password: ");
  // Echo off: readline writes typed characters through _writeToOutput, which we silence.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  const pw = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stderr.write("\n");
  return pw;
}

export function registerUserCommands(program: Command): void {
  const user = program.command("user").description("manage accounts");
  user
    .command("create")
    .description("create a local account (the password is read from --password-file, stdin or a prompt)")
    .requiredOption("--username <name>", "username")
    .requiredOption("--email <address>", "email address (counted as verified)")
    .option("--password-file <path>", "file whose first line is the password")
    .option("--admin", "make the account an admin")
    .option("--moderator", "make the account a moderator")
    .action(
      async (opts: {
        username: string;
        email: string;
        passwordFile?: string;
        admin?: boolean;
        moderator?: boolean;
      }) => {
        const password = await readPassword(opts.passwordFile);
        const role: Role = opts.admin ? "admin" : opts.moderator ? "moderator" : "user";
        const db = await openDatabase(loadConfig());
        try {
          await createAccount(db, { username: opts.username, email: opts.email, password }, new Date(), {
            role,
            verified: true,
          });
          process.stdout.write(`Created ${role} ${opts.username.normalize("NFKC").trim()}\n`);
        } catch (err) {
          if (err instanceof AccountError) throw new CliError(err.message);
          throw err;
        } finally {
          await db.close();
        }
      },
    );
  user
    .command("role")
    .description("set an account's role: user, moderator or admin")
    .requiredOption("--username <name>", "username")
    .requiredOption("--role <role>", "user, moderator or admin")
    .action(async (opts: { username: string; role: string }) => {
      if (!["user", "moderator", "admin"].includes(opts.role))
        throw new CliError("--role must be user, moderator or admin");
      const db = await openDatabase(loadConfig());
      try {
        const u = await userByUsername(db, opts.username);
        if (u?.origin !== "local") throw new CliError(`no local user named ${opts.username}`);
        await userRoleSet(db, u.id, opts.role as Role);
        process.stdout.write(`${u.username} is now ${opts.role}\n`);
      } catch (err) {
        if (err instanceof ModerationError) throw new CliError(err.message);
        throw err;
      } finally {
        await db.close();
      }
    });
}
