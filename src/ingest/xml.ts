import { SaxesParser } from "saxes";

/** One parsed XML element: child elements by local name, attributes as "@_name", text as "#text". */
export type XmlNode = Record<string, unknown>;

/** The document is not well-formed XML; the message says what and on which line. */
export class XmlSyntaxError extends Error {}

/**
 * arXiv's XML (OAI-PMH and Atom), read by saxes, a strict XML 1.0 parser: anything not
 * well-formed (a tag left open, a stray '&' or '<', an undeclared entity, a second root) is an
 * error rather than a guess, and a page cut off in transit is refused instead of losing its
 * resumption token. saxes checks while it reads, in one pass; fast-xml-parser needed its
 * validator as a second pass to do the same, which made parsing the harvest's slowest step
 * (bench/results/oai.md).
 *
 * The tree has the shape the callers were written against: namespace prefixes dropped (one of
 * the recorded OAI documents has none) and xmlns attributes with them, values kept as strings
 * (ids like 0704.0001 must not become numbers) and trimmed, an element with neither attributes
 * nor children as its text, a repeated element as an array, and the `arrays` elements always
 * arrays, even when a record has only one. A DOCTYPE is passed over, but one with an internal
 * subset is refused: it may declare entities that saxes does not expand.
 */
export function parseXml(source: string, arrays: ReadonlySet<string>): XmlNode {
  const xml = withoutForbiddenCharacters(source);
  const doc: XmlNode = {};
  const stack: Frame[] = [];
  const parser = new SaxesParser({ position: true });
  const fail = (what: string): never => {
    throw new XmlSyntaxError(`${what} on line ${parser.line}`);
  };
  parser.on("error", (err) => {
    // saxes prefixes "line:column: "; the callers quote the message, so it names the line once.
    const m = /^(?:[^:]*:)?(\d+):\d+: (.*)$/s.exec(err.message);
    throw new XmlSyntaxError(m ? `${m[2].replace(/\.$/, "")} on line ${m[1]}` : err.message);
  });
  parser.on("doctype", (doctype) => {
    if (doctype.includes("[")) fail("a DOCTYPE with declarations is not supported");
  });
  parser.on("opentag", (tag) => {
    const frame: Frame = { name: localName(tag.name), text: "", children: null };
    for (const [qname, value] of Object.entries(tag.attributes)) {
      // xmlns and xmlns:* declare namespaces and are no attributes.
      if (qname === "xmlns" || qname.startsWith("xmlns:")) continue;
      frame.children ??= {};
      const key = `@_${localName(qname)}`;
      if (key in frame.children) fail(`attribute ${qname} given twice in <${tag.name}>`);
      frame.children[key] = value;
    }
    stack.push(frame);
  });
  const addText = (text: string) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("closetag", () => {
    const frame = stack.pop() as Frame;
    const top = stack.at(-1);
    let parent = doc;
    if (top) {
      top.children ??= {};
      parent = top.children;
    }
    closeElement(frame, parent, arrays);
  });
  // saxes refuses a document without a root element itself, at close.
  parser.write(xml).close();
  return doc;
}

// XML 1.0 forbids C0 controls other than tab, CR and LF, and U+FFFE/U+FFFF, raw or as character
// references; arXiv's metadata has carried them (pasted from PDFs). A strict parser refuses the
// whole page for one of them, which would stall the harvest on that page for good, so they are
// dropped first, as the old lenient parser's callers then stripped them from the text.
const FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|&#(?:0*(?:[0-8]|1[1249]|1[5-9]|2\d|3[01]|6553[45])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF]));/g;

function withoutForbiddenCharacters(xml: string): string {
  FORBIDDEN.lastIndex = 0;
  return FORBIDDEN.test(xml) ? xml.replace(FORBIDDEN, "") : xml;
}

/** An element being read: its text so far, attributes and children. */
interface Frame {
  name: string;
  text: string;
  children: XmlNode | null;
}

/** Hands a finished element to its parent (or the document) under its local name. */
function closeElement(frame: Frame, parent: XmlNode, arrays: ReadonlySet<string>) {
  const text = frame.text.trim();
  let value: unknown = text;
  if (frame.children) {
    value = frame.children;
    if (text !== "") frame.children["#text"] = text;
  }
  const prev = parent[frame.name];
  if (arrays.has(frame.name)) {
    if (prev === undefined) parent[frame.name] = [value];
    else (prev as unknown[]).push(value);
  } else if (prev === undefined) parent[frame.name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else parent[frame.name] = [prev, value];
}

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 || qname.indexOf(":", colon + 1) >= 0 ? qname : qname.slice(colon + 1);
}

/** An element's text with its white space folded (titles and abstracts carry hard line breaks), or null. */
export function xmlText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "object") return xmlText((v as XmlNode)["#text"]);
  const s = String(v).replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
}
