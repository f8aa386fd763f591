/** One parsed XML element: child elements by local name, attributes as "@_name", text as "#text". */
export type XmlNode = Record<string, unknown>;

/** The document is not well-formed XML; the message says what and on which line. */
export class XmlSyntaxError extends Error {}

/**
 * A reader for arXiv's XML (OAI-PMH and Atom), one pass that both checks well-formedness and
 * builds the tree. fast-xml-parser did the same in two passes (its validator, then its parser)
 * at about 3 MB/s on the harvest's pages; a page of 1,000 records (2 MB) cost 0.7 s, more than
 * the store. This reader covers what those documents use: elements, attributes, text, CDATA,
 * comments, processing instructions, a DOCTYPE without entity declarations, the five predefined
 * entities and character references. Anything else, such as an undeclared entity or a tag left
 * open, is an error rather than a guess.
 *
 * The tree has the shape the callers were written against: namespace prefixes dropped (one of
 * the recorded OAI documents has none) and xmlns attributes with them, values kept as strings
 * (ids like 0704.0001 must not become numbers) and trimmed, an element with neither attributes
 * nor children as its text, a repeated element as an array, and the `arrays` elements always
 * arrays, even when a record has only one.
 */
export function parseXml(xml: string, arrays: ReadonlySet<string>): XmlNode {
  const doc: XmlNode = {};
  const stack: Frame[] = [];
  let roots = 0;
  let i = 0;
  const fail = (what: string, at: number): never => {
    throw new XmlSyntaxError(`${what} on line ${lineAt(xml, at)}`);
  };
  const skipPast = (end: string, from: number, what: string) => {
    const j = xml.indexOf(end, from);
    if (j < 0) fail(`${what} is never closed`, from);
    return j + end.length;
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > i) addText(stack, xml, i, textEnd, fail);
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === SLASH) {
      const gt = xml.indexOf(">", lt);
      if (gt < 0) fail("a closing tag is never finished", lt);
      const name = xml.slice(lt + 2, gt).trimEnd();
      const open = stack.pop();
      if (!open) fail(`</${name}> closes nothing`, lt);
      else if (open.qname !== name) fail(`</${name}> closes <${open.qname}>`, lt);
      else closeElement(open, container(stack, doc), arrays);
      i = gt + 1;
    } else if (next === BANG) {
      if (xml.startsWith("<!--", lt)) i = skipPast("-->", lt + 4, "a comment");
      else if (xml.startsWith("<![CDATA[", lt)) {
        const end = skipPast("]]>", lt + 9, "a CDATA section");
        if (stack.length === 0) fail("text outside the root element", lt);
        stack[stack.length - 1].text += xml.slice(lt + 9, end - 3);
        i = end;
      } else if (xml.startsWith("<!DOCTYPE", lt) && stack.length === 0 && roots === 0) {
        // An internal subset may declare entities this reader does not expand: refuse it.
        const gt = xml.indexOf(">", lt);
        if (gt < 0 || xml.lastIndexOf("[", gt) > lt) fail("a DOCTYPE with declarations is not supported", lt);
        i = gt + 1;
      } else fail("a markup declaration where none is allowed", lt);
    } else if (next === QUESTION) {
      i = skipPast("?>", lt + 2, "a processing instruction");
    } else {
      if (stack.length === 0 && roots++ > 0) fail("a second root element", lt);
      i = openElement(xml, lt, stack, doc, arrays, fail);
    }
  }
  if (stack.length > 0) fail(`the document ends inside <${stack[stack.length - 1].qname}>`, xml.length);
  if (roots === 0) fail("no root element", 0);
  return doc;
}

/** An element being read: its text so far, attributes and children. */
interface Frame {
  qname: string;
  name: string;
  text: string;
  children: XmlNode | null;
}

type Fail = (what: string, at: number) => never;

const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const NAME = /[A-Za-z_:\u00c0-\uffff][\w.:\u00b7\u00c0-\uffff-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:\u00c0-\uffff][\w.:\u00b7\u00c0-\uffff-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;

/** Reads a start tag at `lt`; answers where reading goes on. */
function openElement(
  xml: string,
  lt: number,
  stack: Frame[],
  doc: XmlNode,
  arrays: ReadonlySet<string>,
  fail: Fail,
): number {
  NAME.lastIndex = lt + 1;
  const qname = NAME.exec(xml)?.[0];
  if (!qname) return fail("a '<' that starts no tag", lt);
  const frame: Frame = { qname, name: localName(qname), text: "", children: null };
  let at = NAME.lastIndex;
  for (;;) {
    ATTRIBUTE.lastIndex = at;
    const m = ATTRIBUTE.exec(xml);
    if (!m) break;
    at = ATTRIBUTE.lastIndex;
    const name = localName(m[1]);
    // removeNSPrefix's rule: xmlns and xmlns:* declare namespaces and are no attributes.
    if (m[1] === "xmlns" || m[1].startsWith("xmlns:")) continue;
    frame.children ??= {};
    const key = `@_${name}`;
    if (key in frame.children) fail(`attribute ${m[1]} given twice in <${qname}>`, lt);
    const raw = m[2] ?? m[3];
    frame.children[key] = raw.includes("&") ? decodeReferences(raw, lt, fail) : raw;
  }
  TAG_END.lastIndex = at;
  const end = TAG_END.exec(xml);
  if (!end) return fail(`a malformed start tag <${qname}`, lt);
  const parent = container(stack, doc);
  if (end[1] === "/") closeElement(frame, parent, arrays);
  else stack.push(frame);
  return TAG_END.lastIndex;
}

/** Where the next element goes: the open element's children (it has some now), or the document. */
function container(stack: Frame[], doc: XmlNode): XmlNode {
  const top = stack.at(-1);
  if (!top) return doc;
  top.children ??= {};
  return top.children;
}

function addText(stack: Frame[], xml: string, from: number, to: number, fail: Fail) {
  const top = stack.at(-1);
  if (!top) {
    for (let k = from; k < to; k++) if (xml.charCodeAt(k) > 32) fail("text outside the root element", k);
    return;
  }
  const raw = xml.slice(from, to);
  top.text += raw.includes("&") ? decodeReferences(raw, from, fail) : raw;
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

const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/y;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeReferences(raw: string, at: number, fail: Fail): string {
  let out = "";
  let from = 0;
  for (let amp = raw.indexOf("&"); amp >= 0; amp = raw.indexOf("&", from)) {
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(raw);
    if (!m) return fail(`an '&' that starts no entity reference ("${raw.slice(amp, amp + 12)}")`, at);
    let ch = m[3] ? PREDEFINED[m[3]] : "";
    if (!m[3]) {
      const code = Number.parseInt(m[1] ?? m[2], m[1] ? 16 : 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        fail(`a character reference to no character (${m[0]})`, at);
      ch = String.fromCodePoint(code);
    }
    out += raw.slice(from, amp) + ch;
    from = REFERENCE.lastIndex;
  }
  return out + raw.slice(from);
}

function lineAt(xml: string, at: number): number {
  let line = 1;
  for (let k = xml.indexOf("\n"); k >= 0 && k < at; k = xml.indexOf("\n", k + 1)) line++;
  return line;
}

/** An element's text with its white space folded (titles and abstracts carry hard line breaks), or null. */
export function xmlText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "object") return xmlText((v as XmlNode)["#text"]);
  const s = String(v).replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
}
