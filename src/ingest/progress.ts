import cliProgress from "cli-progress";

/**
 * Progress reporting for long imports and harvests, always on stderr so stdout stays
 * free for summaries and pipes.
 *
 *   const progress = createProgress({ label: "arxiv-snapshot", total: 2_800_000 });
 *   progress.tick(1000);      // records processed since the last call
 *   progress.setTotal(n);     // once the total becomes known (or changes)
 *   progress.log("a.jsonl:7: missing title");  // a message above the bar
 *   progress.stop();          // final line; call in `finally`
 *
 * On a TTY it draws a cli-progress bar (count, rate, ETA when the total is known).
 * Elsewhere (CI, logs, pipes) a bar would be garbage, so it prints one plain line every
 * few seconds instead.
 */
export interface Progress {
  tick(n?: number): void;
  setTotal(total: number): void;
  /** Extra text shown after the numbers, e.g. "failed 3". */
  setStatus(status: string): void;
  /** Prints a line (a warning, a skipped record) without garbling the bar. */
  log(line: string): void;
  readonly count: number;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Force (true) or disable (false) the TTY bar; defaults to stream.isTTY. */
  tty?: boolean;
  /** Seconds between plain lines when not on a TTY. */
  intervalSeconds?: number;
  /** Print nothing at all (tests, benchmarks). */
  silent?: boolean;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  if (options.silent) return silentProgress();
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean(stream.isTTY);
  return tty ? barProgress(options, stream) : lineProgress(options, stream);
}

function silentProgress(): Progress {
  let count = 0;
  return {
    tick(n = 1) {
      count += n;
    },
    setTotal() {},
    setStatus() {},
    log() {},
    get count() {
      return count;
    },
    stop() {},
  };
}

function barProgress(options: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  let count = 0;
  let total = options.total ?? 0;
  let status = "";
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: (_opts, _params, payload: { text: string }) => payload.text,
      fps: 5,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const text = () => renderLine(options.label, count, total, started, now(), status, true);
  bar.start(Math.max(total, 1), 0, { text: text() });
  return {
    tick(n = 1) {
      count += n;
      bar.update(Math.min(count, Math.max(total, 1)), { text: text() });
    },
    setTotal(n: number) {
      total = n;
      bar.setTotal(Math.max(n, 1));
      bar.update({ text: text() });
    },
    setStatus(s: string) {
      status = s;
      bar.update({ text: text() });
    },
    log(line: string) {
      // clear the bar's line, print, and let the next redraw put the bar back below
      stream.write(`\r\x1b[K${line}\n`);
      bar.update({ text: text() });
    },
    get count() {
      return count;
    },
    stop() {
      bar.update({ text: text() });
      bar.stop();
    },
  };
}

function lineProgress(options: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  const now = options.now ?? Date.now;
  const intervalMs = (options.intervalSeconds ?? 5) * 1000;
  const started = now();
  let lastPrint = started;
  let count = 0;
  let total = options.total ?? 0;
  let status = "";
  let stopped = false;
  const print = () => {
    stream.write(`${renderLine(options.label, count, total, started, now(), status, false)}\n`);
  };
  return {
    tick(n = 1) {
      count += n;
      const t = now();
      if (t - lastPrint >= intervalMs) {
        lastPrint = t;
        print();
      }
    },
    setTotal(n: number) {
      total = n;
    },
    setStatus(s: string) {
      status = s;
    },
    log(line: string) {
      stream.write(`${line}\n`);
    },
    get count() {
      return count;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      print();
    },
  };
}

/** One status line: "label 12,000/2,800,000 (0.4%) 6,100/s ETA 7m36s". Exported for tests. */
export function renderLine(
  label: string,
  count: number,
  total: number,
  startedMs: number,
  nowMs: number,
  status: string,
  withBar: boolean,
): string {
  const seconds = Math.max((nowMs - startedMs) / 1000, 0.001);
  const rate = count / seconds;
  const parts = [label];
  if (withBar && total > 0) parts.push(barText(count / total));
  if (total > 0) {
    parts.push(`${fmt(count)}/${fmt(total)} (${((100 * count) / total).toFixed(1)}%)`);
  } else {
    parts.push(fmt(count));
  }
  parts.push(`${fmt(Math.round(rate))}/s`);
  if (total > 0 && count > 0 && count < total) parts.push(`ETA ${duration((total - count) / rate)}`);
  else parts.push(`elapsed ${duration(seconds)}`);
  if (status) parts.push(status);
  return parts.join("  ");
}

function barText(fraction: number): string {
  const width = 24;
  const full = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${"█".repeat(full)}${"░".repeat(width - full)}]`;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
