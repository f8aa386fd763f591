import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** Resolves with the next message to arrive (or one already received and not yet taken). */
  nextMessage(timeoutMs?: number): Promise<ParsedMail>;
  /** Makes the server answer RCPT TO for an address with this code (e.g. 550, 451). */
  rejectRecipient(address: string, code: number): void;
  /**
   * Runs before the server answers "250 OK" to each message (already kept in `messages`): a slow
   * server, or a test that kills the sender while it waits for the acknowledgement.
   */
  beforeAccept(hook: ((mail: ParsedMail) => Promise<void>) | undefined): void;
  close(): Promise<void>;
}

/** A real SMTP server in the test process, on a loopback port; it keeps what it receives. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  const rejects = new Map<string, number>();
  let acceptHook: ((mail: ParsedMail) => Promise<void>) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, cb) {
      const code = rejects.get(address.address.toLowerCase());
      if (code) {
        const err = new Error(code >= 500 ? "mailbox unavailable" : "try again later") as Error & {
          responseCode: number;
        };
        err.responseCode = code;
        return cb(err);
      }
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then(async (mail) => {
          messages.push(mail);
          for (const w of waiters.splice(0)) w();
          await acceptHook?.(mail);
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async nextMessage(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length <= taken) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no mail arrived in time");
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return messages[taken++];
    },
    rejectRecipient(address, code) {
      rejects.set(address.toLowerCase(), code);
    },
    beforeAccept(hook) {
      acceptHook = hook;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
