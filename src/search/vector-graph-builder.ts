import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";

/**
 * Builds an HNSW graph on a worker thread. Adding a million vectors to usearch is minutes of
 * synchronous native work; on the web process's own thread it would stall every request for
 * seconds at a time. The caller streams pages of vectors in (as it reads them from the
 * database) and gets back a file holding the finished graph, which it loads in one call.
 *
 * The worker is plain JavaScript (only usearch, no project code), so it needs no TypeScript loader.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = await import("node:worker_threads");
const { createRequire } = await import("node:module");
const usearch = createRequire(workerData.base)("usearch");
const index = new usearch.Index(workerData.options);
parentPort.on("message", (m) => {
  try {
    if (m.type === "add") {
      index.add(new BigUint64Array(m.keys), new Float32Array(m.matrix), workerData.threads);
      parentPort.postMessage({ type: "added", count: m.count });
    } else if (m.type === "save") {
      index.save(m.file);
      parentPort.postMessage({ type: "saved", size: Number(index.size()) });
    }
  } catch (err) {
    parentPort.postMessage({ type: "error", message: String(err && err.message || err) });
  }
});
`;

export interface GraphOptions {
  dimensions: number;
  metric: string;
  quantization: string;
  connectivity: number;
  expansion_add: number;
  expansion_search: number;
  multi: boolean;
}

type Reply =
  | { type: "added"; count: number }
  | { type: "saved"; size: number }
  | { type: "error"; message: string };

export class GraphBuilder {
  private readonly worker: Worker;
  private queue: Promise<unknown> = Promise.resolve();
  private failed: Error | null = null;
  private waiting: ((r: Reply) => void)[] = [];
  private readonly file: string;

  constructor(options: GraphOptions) {
    // Every core: a bulk build at a million vectors is minutes even so, and the event loop that
    // serves pages is another thread, which the OS shares the cores with, never blocked by this.
    const threads = os.availableParallelism();
    this.worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
      workerData: { base: import.meta.url, options, threads },
    });
    this.file = path.join(
      os.tmpdir(),
      `dp-graph-${process.pid}-${Math.random().toString(36).slice(2)}.usearch`,
    );
    // Derived data: a process on its way out does not wait for a half-built graph.
    this.worker.unref();
    this.worker.on("message", (r: Reply) => this.waiting.shift()?.(r));
    this.worker.on("error", (err) => {
      this.failed = err;
      for (const w of this.waiting.splice(0)) w({ type: "error", message: String(err) });
    });
  }

  private request(msg: object, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Queues vectors (row-major, `keys.length` rows); the arrays are handed over, not copied. */
  add(keys: BigUint64Array, matrix: Float32Array): void {
    const k = keys.buffer as ArrayBuffer;
    const m = matrix.buffer as ArrayBuffer;
    this.queue = this.queue
      .then(() => this.request({ type: "add", keys: k, matrix: m, count: keys.length }, [k, m]))
      .then((r) => {
        if (r.type === "error") this.failed ??= new Error(r.message);
      });
  }

  /** Waits for every queued page, writes the graph and returns the file it is in (the caller removes it). */
  async finish(): Promise<string> {
    await this.queue.catch(() => {});
    const r = this.failed ? null : await this.request({ type: "save", file: this.file }).catch(() => null);
    await this.worker.terminate();
    if (!r || r.type === "error") {
      fs.rmSync(this.file, { force: true });
      throw new Error(`vector graph build failed: ${r?.type === "error" ? r.message : this.failed?.message}`);
    }
    return this.file;
  }

  async abort(): Promise<void> {
    await this.worker.terminate();
    fs.rmSync(this.file, { force: true });
  }
}
