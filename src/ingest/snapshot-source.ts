import { Worker } from "node:worker_threads";
import type { BatchOptions, SnapshotEvent } from "./snapshot-batches.ts";
import { snapshotBatches } from "./snapshot-batches.ts";
import type { WorkerInput } from "./snapshot-worker.ts";

/** Where an import's batches come from; `written` says the last batch is in the database. */
export interface SnapshotSource {
  next(): Promise<IteratorResult<SnapshotEvent>>;
  written(): void;
  close(): Promise<void>;
}

/** Parsing on the calling thread: for small files, and wherever a thread would cost more. */
export function inThreadSource(file: string, options: BatchOptions): SnapshotSource {
  const events = snapshotBatches(file, options);
  return {
    next: () => events.next(),
    written() {},
    close: async () => {
      await events.return(undefined);
    },
  };
}

/**
 * Parsing on `threads` worker threads, each reading ahead by up to CREDITS batches of its own
 * while the database writes the last one. Thread k parses batches k, k + threads, ... and the
 * batches are handed on in file order, so commits and checkpoints go line by line as with one.
 */
export function workerSource(file: string, options: BatchOptions, threads = 1): SnapshotSource {
  const parsers = Array.from({ length: threads }, (_, index) =>
    parserThread(file, { ...options, shard: { index, count: threads } }),
  );
  // The thread whose batch comes next, and the one whose batch was handed on last.
  let turn = 0;
  let last: ParserThread | null = null;
  return {
    async next() {
      const from = parsers[turn % threads];
      const next = await from.next();
      if (!next.done && next.value.type !== "skipping") {
        turn++;
        last = from;
      }
      return next;
    },
    written: () => last?.written(),
    close: async () => {
      await Promise.all(parsers.map((p) => p.close()));
    },
  };
}

type ParserThread = SnapshotSource;

function parserThread(file: string, options: BatchOptions): ParserThread {
  const worker = typescriptWorker(new URL("./snapshot-worker.ts", import.meta.url), {
    file,
    ...options,
  } satisfies WorkerInput);
  const queue: SnapshotEvent[] = [];
  let failure: Error | null = null;
  let ended = false;
  let waiting: (() => void) | null = null;
  const wake = () => {
    waiting?.();
    waiting = null;
  };
  worker.on("message", (event: SnapshotEvent) => {
    queue.push(event);
    wake();
  });
  worker.on("error", (err) => {
    failure = err;
    wake();
  });
  worker.on("exit", () => {
    ended = true;
    wake();
  });
  return {
    async next() {
      for (;;) {
        const event = queue.shift();
        if (event) return { done: false, value: event };
        if (failure) throw failure;
        if (ended) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (waiting = resolve));
      }
    },
    written: () => worker.postMessage("written"),
    close: async () => {
      await worker.terminate();
    },
  };
}

/**
 * A worker thread whose entry is a TypeScript module. Node 20 does not apply `--import tsx` to
 * a worker's own entry, so a small script registers tsx's loader in the thread first, as
 * bin/dailypapers.js does for the CLI.
 */
function typescriptWorker(entry: URL, workerData: unknown): Worker {
  const api = import.meta.resolve("tsx/esm/api");
  const script = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(script, { eval: true, workerData });
}
