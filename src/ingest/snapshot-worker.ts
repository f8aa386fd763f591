// A worker thread's entry: parses the snapshot (snapshot-batches.ts) and posts each batch, so
// the main thread only writes. At most CREDITS batches wait unwritten: memory stays flat.
import { parentPort, workerData } from "node:worker_threads";
import { type BatchOptions, snapshotBatches } from "./snapshot-batches.ts";

export interface WorkerInput extends BatchOptions {
  file: string;
}

/** Batches the worker may have posted and not yet seen written. */
export const CREDITS = 2;

const port = parentPort;
if (!port) throw new Error("snapshot-worker.ts runs as a worker thread");
let credits = CREDITS;
let wake: (() => void) | null = null;
port.on("message", () => {
  credits++;
  wake?.();
  wake = null;
});
const { file, ...options } = workerData as WorkerInput;
for await (const event of snapshotBatches(file, options)) {
  if (event.type === "batch") {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
  }
  port.postMessage(event);
}
// Done: let the thread end once the last message is out.
port.unref();
