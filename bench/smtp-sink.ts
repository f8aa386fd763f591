/**
 * A local SMTP server for benchmarks, run in a worker thread so that receiving mail does not
 * compete with the sender for one event loop (as a real mail server would not). It counts
 * messages without parsing them.
 */
import type { AddressInfo } from "node:net";
import { parentPort } from "node:worker_threads";
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
  parentPort?.postMessage({ port: (server.server.address() as AddressInfo).port });
});
parentPort?.on("message", (m: string) => {
  if (m === "count") parentPort?.postMessage({ received });
  if (m === "close") server.close(() => process.exit(0));
});
