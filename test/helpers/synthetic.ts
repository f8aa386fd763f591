import fs from "node:fs";

const HEAD = new URL(
  "../../../shared/data/arxiv/snapshot/arxiv-metadata-oai-snapshot.head.jsonl",
  import.meta.url,
);

/**
 * Writes an arXiv snapshot of `lines` records: the real head of the snapshot (../shared) again and
 * again under new ids (YYMM.NNNNN from `firstMonth`), so an import of any size has real text.
 */
export function writeSyntheticSnapshot(file: string, lines: number, firstMonth = 2001): void {
  const head = fs
    .readFileSync(HEAD, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const out = fs.openSync(file, "w");
  try {
    for (let i = 0; i < lines; i++) {
      const rec = head[i % head.length];
      const id = `${firstMonth + Math.floor(i / 99_999)}.${String((i % 99_999) + 1).padStart(5, "0")}`;
      fs.writeSync(out, `${JSON.stringify({ ...rec, id, title: `${rec.title} (${i})` })}\n`);
    }
  } finally {
    fs.closeSync(out);
  }
}

/** A cookie-keeping visitor of a live server, posting forms with their CSRF token as a browser does. */
export class WebVisitor {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async get(url: string): Promise<{ status: number; body: string; location: string | null }> {
    return this.#send(url, { method: "GET" });
  }

  /** Loads `formUrl` for its CSRF token, then posts `fields` to `action`. */
  async submit(formUrl: string, action: string, fields: Record<string, string>) {
    const page = await this.get(formUrl);
    const token = /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1] ?? "";
    return this.#send(action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  }

  async #send(url: string, init: RequestInit) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(new URL(url, this.base), {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair.indexOf("=");
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, body: await res.text(), location: res.headers.get("location") };
  }
}
