/**
 * A local SMTP server for benchmarks, run as a child process so that receiving mail does not
 * compete with the sender for one event loop (as a real mail server would not). It counts
 * messages without parsing them, and talks to its parent over IPC.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  maxClients: 64,
  onData(stream, _session, cb) {
    stream.on("data", () => {});
    stream.on("end", () => {
      received++;
      cb();
    });
  },
});
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
process.on("message", (m: string) => {
  if (m === "count") process.send?.({ received });
  if (m === "close") server.close(() => process.exit(0));
});
