import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/**
 * A local stand-in for arXiv that replays the real responses recorded in ../shared/data/arxiv:
 * OAI-PMH (both metadata formats, the resumptionToken page, the five error responses, the
 * namespace-stripped record) and the Atom API (recorded-meta/*.json, keyed by their query).
 * Only the OAI paging envelope of the archive harvest is built here; every record in it is a
 * real recorded one, byte for byte. Faults are scripted per request.
 *
 *   const replay = await startArxivReplay();
 *   replay.script({ kind: "503", retryAfter: 7 });   // the next request gets it
 *   ... point ARXIV_OAI_URL at replay.oaiUrl, ARXIV_API_URL at replay.apiUrl ...
 *   replay.requests  // every request seen, with its connection number
 */
export const ARXIV_DATA = path.resolve("../shared/data/arxiv");
const OAI_DIR = path.join(ARXIV_DATA, "oai-pmh");
const RAW_DIR = path.join(OAI_DIR, "arXivOAIHarvester");
const HEP_DIR = path.join(OAI_DIR, "hepcrawl");
const ATOM_DIR = path.join(ARXIV_DATA, "atom");

export type Fault =
  | { kind: "503"; retryAfter?: number | string; on?: Endpoint }
  | { kind: "500"; on?: Endpoint }
  /** The socket is destroyed before any response byte. */
  | { kind: "drop"; on?: Endpoint }
  /** The real response with its full Content-Length, cut off halfway. */
  | { kind: "truncate"; on?: Endpoint }
  /** A 200 whose body is an HTML page, as proxies and maintenance pages send. */
  | { kind: "notXml"; on?: Endpoint }
  /** Every resumptionToken issued so far stops being valid (the server restarted or it timed out). */
  | { kind: "expireToken"; on?: Endpoint };

export type Endpoint = "oai" | "api";

export interface ReplayRequest {
  endpoint: Endpoint;
  query: Record<string, string>;
  /** Numbered per TCP connection, in the order the connections were opened. */
  connection: number;
  /** The fault applied to this request, if one was scripted. */
  fault?: Fault["kind"];
}

export interface ReplayOptions {
  /** Records per page of the synthesized archive harvest (arXiv format). */
  pageSize?: number;
}

export interface ArxivReplay {
  oaiUrl: string;
  apiUrl: string;
  requests: ReplayRequest[];
  script(...faults: Fault[]): void;
  /** The real records the archive harvest serves in each format, in order. */
  archive: { arXiv: OaiRecord[]; arXivRaw: OaiRecord[] };
  close(): Promise<void>;
}

export interface OaiRecord {
  id: string;
  datestamp: string;
  xml: string;
}

const read = (file: string) => fs.readFileSync(file, "utf8");
const ERRORS = {
  badVerb: () => read(path.join(RAW_DIR, "ErrorResponseBadVerb.xml")),
  badArgument: () => read(path.join(RAW_DIR, "ErrorResponseBadArgument.xml")),
  badResumptionToken: () => read(path.join(RAW_DIR, "ErrorResponseBadResumptionToken.xml")),
  idDoesNotExist: () => read(path.join(RAW_DIR, "ErrorResponseIdDoesNotExist.xml")),
  noRecordsMatch: () => read(path.join(RAW_DIR, "ErrorResponseNoRecordsMatch.xml")),
};
/** Sets for which a real ListRecords response was recorded; served verbatim. */
const RECORDED_SETS: Record<string, string> = {
  "physics:hep-th": path.join(
    HEP_DIR,
    "functional__arxiv__fixtures__http_server__records__arxiv-physics-hep-th.xml",
  ),
  "physics:hep-ex": path.join(
    HEP_DIR,
    "functional__arxiv__fixtures__http_server__records__arxiv-physics-hep-ex.xml",
  ),
};
/** Sets a real repository has; any other set gets the recorded noRecordsMatch answer. */
const KNOWN_SETS = new Set([
  "cs",
  "econ",
  "eess",
  "math",
  "physics",
  "q-bio",
  "q-fin",
  "stat",
  ...Object.keys(RECORDED_SETS),
]);

export function recordsIn(xml: string): OaiRecord[] {
  const out: OaiRecord[] = [];
  for (const m of xml.matchAll(/<record>[\s\S]*?<\/record>/g)) {
    const id = /<identifier>oai:arXiv\.org:([^<]+)<\/identifier>/.exec(m[0])?.[1];
    const datestamp = /<datestamp>([^<]+)<\/datestamp>/.exec(m[0])?.[1];
    if (id && datestamp) out.push({ id, datestamp, xml: m[0] });
  }
  return out;
}

function uniqueRecords(files: string[]): OaiRecord[] {
  const seen = new Map<string, OaiRecord>();
  for (const f of files) for (const r of recordsIn(read(f))) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

function loadArchive(): { arXiv: OaiRecord[]; arXivRaw: OaiRecord[] } {
  const hep = (name: string) => path.join(HEP_DIR, name);
  const unit = Array.from({ length: 11 }, (_, i) =>
    hep(`unit__responses__arxiv__sample_arxiv_record${i}.xml`),
  );
  return {
    arXiv: uniqueRecords([
      ...Object.values(RECORDED_SETS),
      hep("functional__arxiv__fixtures__http_server__records__arxiv-single.xml"),
      ...unit,
      hep("unit__responses__arxiv__sample_arxiv_record.xml"),
    ]),
    arXivRaw: uniqueRecords([
      path.join(RAW_DIR, "ListRecordsResponse.xml"),
      path.join(RAW_DIR, "GetRecordResponse.xml"),
    ]),
  };
}

const OAI_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>2026-11-24T00:00:00Z</responseDate>
<request verb="ListRecords">http://export.arxiv.org/oai2</request>`;

function listPage(records: OaiRecord[], token: string | null, cursor: number, total: number): string {
  const tokenXml =
    token === null
      ? `<resumptionToken cursor="${cursor}" completeListSize="${total}"/>`
      : `<resumptionToken cursor="${cursor}" completeListSize="${total}">${token}</resumptionToken>`;
  return `${OAI_HEAD}\n<ListRecords>\n${records.map((r) => r.xml).join("\n")}\n${tokenXml}\n</ListRecords>\n</OAI-PMH>\n`;
}

interface Window {
  format: "arXiv" | "arXivRaw";
  records: OaiRecord[];
}

/** The recorded arXivRaw first page, with its real token, is replayed as-is when it fits the window. */
const RAW_FIRST_TOKEN = "726959|1001";

function oaiAnswer(
  q: Record<string, string>,
  archive: ArxivReplay["archive"],
  tokens: Map<string, { window: Window; cursor: number }>,
  pageSize: number,
): string {
  const verb = q.verb;
  if (verb === "GetRecord") {
    const id = (q.identifier ?? "").replace(/^oai:arXiv\.org:/, "");
    const format = q.metadataPrefix === "arXivRaw" ? "arXivRaw" : "arXiv";
    const rec = archive[format].find((r) => r.id === id);
    if (!rec) return ERRORS.idDoesNotExist();
    return `${OAI_HEAD.replace("ListRecords", "GetRecord")}\n<GetRecord>${rec.xml}</GetRecord>\n</OAI-PMH>\n`;
  }
  if (verb !== "ListRecords") return ERRORS.badVerb();
  if (q.resumptionToken !== undefined) {
    if (Object.keys(q).length !== 2) return ERRORS.badArgument();
    const state = tokens.get(q.resumptionToken);
    if (!state) return ERRORS.badResumptionToken();
    return pageOf(state.window, state.cursor, tokens, pageSize);
  }
  const format = q.metadataPrefix;
  if (format !== "arXiv" && format !== "arXivRaw") return ERRORS.badArgument();
  const dateOk = (d: string | undefined) => d === undefined || /^\d{4}-\d{2}-\d{2}$/.test(d);
  if (!dateOk(q.from) || !dateOk(q.until) || (q.from && q.until && q.from > q.until))
    return ERRORS.badArgument();
  if (q.set && !/^[a-z-]+(:[a-z-]+)?$/i.test(q.set)) return ERRORS.badArgument();
  if (q.set && !KNOWN_SETS.has(q.set)) return ERRORS.noRecordsMatch();
  if (q.set && RECORDED_SETS[q.set] && format === "arXiv" && (!q.from || q.from <= "2017-12-14") && !q.until)
    return read(RECORDED_SETS[q.set]);
  const records = archive[format].filter(
    (r) => (!q.from || r.datestamp >= q.from) && (!q.until || r.datestamp <= q.until),
  );
  if (records.length === 0) return ERRORS.noRecordsMatch();
  const window: Window = { format, records };
  if (format === "arXivRaw" && records.length === archive.arXivRaw.length) {
    tokens.set(RAW_FIRST_TOKEN, { window, cursor: 6 });
    return read(path.join(RAW_DIR, "ListRecordsResponse.xml"));
  }
  return pageOf(window, 0, tokens, pageSize);
}

let tokenCounter = 0;
function pageOf(
  window: Window,
  cursor: number,
  tokens: Map<string, { window: Window; cursor: number }>,
  pageSize: number,
): string {
  const page = window.records.slice(cursor, cursor + pageSize);
  const next = cursor + page.length;
  let token: string | null = null;
  if (next < window.records.length) {
    token = `${++tokenCounter}|${next + 1}`;
    tokens.set(token, { window, cursor: next });
  }
  return listPage(page, token, cursor, window.records.length);
}

interface AtomRecording {
  query: Record<string, string>;
  status: number;
  body: string;
}

function loadAtom(): { recordings: AtomRecording[]; entries: Map<string, string> } {
  const dir = path.join(ATOM_DIR, "recorded-meta");
  const recordings: AtomRecording[] = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const j = JSON.parse(read(path.join(dir, f))) as { url: string; status_code: number; body: string };
      return {
        query: Object.fromEntries(new URL(j.url).searchParams),
        status: j.status_code,
        body: undoLatin1Decoding(j.body),
      };
    });
  // Entries of single-id look-ups, by bare and by versioned id, to answer id_list batches
  // that were never recorded as a whole.
  const entries = new Map<string, string>();
  const bodies = [
    ...recordings.filter((r) => r.status === 200 && r.query.id_list).map((r) => r.body),
    ...fs
      .readdirSync(path.join(ATOM_DIR, "classic"))
      .filter((f) => f.startsWith("id_list="))
      .map((f) => read(path.join(ATOM_DIR, "classic", f))),
  ];
  for (const body of bodies)
    for (const m of body.matchAll(/<entry>[\s\S]*?<\/entry>/g)) {
      const id = /<id>https?:\/\/arxiv\.org\/abs\/([^<]+)<\/id>/.exec(m[0])?.[1];
      if (!id) continue;
      const entry = m[0].replace(/<arxiv:(\w+) xmlns:arxiv="[^"]*">/g, "<arxiv:$1>");
      entries.set(id, entry);
      entries.set(id.replace(/v\d+$/, ""), entry);
    }
  return { recordings, entries };
}

function atomFeed(entries: string[], q: Record<string, string>): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/replay</id>
  <title>arXiv Query: id_list=${q.id_list ?? ""}</title>
  <updated>2026-11-24T00:00:00Z</updated>
  <opensearch:itemsPerPage>${q.max_results ?? 10}</opensearch:itemsPerPage>
  <opensearch:totalResults>${entries.length}</opensearch:totalResults>
  <opensearch:startIndex>${q.start ?? 0}</opensearch:startIndex>
  ${entries.join("\n  ")}
</feed>
`;
}

function apiAnswer(
  q: Record<string, string>,
  atom: ReturnType<typeof loadAtom>,
): { status: number; body: string } {
  const norm = (x: Record<string, string>) =>
    [x.id_list ?? "", x.search_query ?? "", x.start ?? "0", x.max_results ?? "10"].join("\u0000");
  const exact = atom.recordings.find((r) => norm(r.query) === norm(q));
  if (exact) return { status: exact.status, body: exact.body };
  if (!q.id_list) return { status: 200, body: atomFeed([], q) };
  const ids = q.id_list.split(",").filter(Boolean);
  const entries = ids.map((id) => atom.entries.get(id)).filter((e): e is string => e !== undefined);
  return { status: 200, body: atomFeed(entries, q) };
}

export async function startArxivReplay(opts: ReplayOptions = {}): Promise<ArxivReplay> {
  const pageSize = opts.pageSize ?? 5;
  const archive = loadArchive();
  const atom = loadAtom();
  const tokens = new Map<string, { window: Window; cursor: number }>();
  const faults: Fault[] = [];
  const requests: ReplayRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const connectionOf = new WeakMap<object, number>();
  let connections = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://replay");
    const endpoint: Endpoint = url.pathname.startsWith("/api") ? "api" : "oai";
    const query = Object.fromEntries(url.searchParams);
    const faultAt = faults.findIndex((f) => !f.on || f.on === endpoint);
    const fault = faultAt >= 0 ? faults.splice(faultAt, 1)[0] : undefined;
    requests.push({ endpoint, query, connection: connectionOf.get(req.socket) ?? 0, fault: fault?.kind });

    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "503") {
      res.writeHead(503, { "retry-after": String(fault.retryAfter ?? 5), "content-type": "text/plain" });
      res.end("Service temporarily unavailable; retry later.");
      return;
    }
    if (fault?.kind === "500") {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
      return;
    }
    if (fault?.kind === "notXml") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><html><body><h1>Down for maintenance</h1><p>Back soon.</p></body></html>");
      return;
    }
    if (fault?.kind === "expireToken") tokens.clear();

    const answer =
      endpoint === "api"
        ? apiAnswer(query, atom)
        : { status: 200, body: oaiAnswer(query, archive, tokens, pageSize) };
    const body = Buffer.from(answer.body, "utf8");
    const type = endpoint === "api" ? "application/atom+xml; charset=utf-8" : "text/xml; charset=utf-8";
    res.writeHead(answer.status, { "content-type": type, "content-length": body.length });
    if (fault?.kind === "truncate") {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
      return;
    }
    res.end(body);
  });
  server.on("connection", (socket) => {
    connectionOf.set(socket, ++connections);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    oaiUrl: `${base}/oai`,
    apiUrl: `${base}/api/query`,
    requests,
    archive,
    script: (...more) => {
      faults.push(...more);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The recorder stored arXiv's UTF-8 bodies after decoding them as Latin-1 ("Dirk WÃ¼bben").
 * Re-encoding such text as Latin-1 gives back the bytes arXiv sent; text that was never
 * mangled (it has characters above U+00FF, or is not valid UTF-8 that way) stays as it is.
 */
function undoLatin1Decoding(body: string): string {
  if (!/[\u0080-\u00ff]/.test(body) || /[^\u0000-\u00ff]/.test(body)) return body;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(body, "latin1"));
  } catch {
    return body;
  }
}
