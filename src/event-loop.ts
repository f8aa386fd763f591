/**
 * Long CPU work in a web process (index builds, acronym learning, summaries, importing through
 * the socket) runs in slices with this between them, so that requests, /healthz included, are
 * answered in between. `await` on a PGlite query alone does not yield: its promise settles in
 * the same turn of the event loop, so a loop of queries starves the server.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `fn` on each item, yielding to the event loop after every `slice` items. */
export async function forEachSliced<T>(
  items: readonly T[],
  slice: number,
  fn: (item: T) => void,
): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    fn(items[i]);
    if ((i + 1) % slice === 0 && i + 1 < items.length) await yieldToEventLoop();
  }
}
