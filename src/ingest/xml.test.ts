import assert from "node:assert/strict";
import { test } from "node:test";
import { parseXml, XmlSyntaxError } from "./xml.ts";

const none = new Set<string>();

test("the tree: prefixes and xmlns dropped, text trimmed, attributes with text, repeats as arrays", () => {
  const doc = parseXml(
    `<?xml version="1.0"?>
<!-- a comment --><oai:root xmlns:oai="urn:x" xmlns="urn:y">
  <id> 0704.0001 </id>
  <token cursor="10" completeListSize='19'>abc|11</token>
  <empty/><bare attr="1"/>
  <a>one</a><a>two</a>
  <list><one>x</one></list>
</oai:root>`,
    new Set(["list"]),
  );
  assert.deepEqual(doc, {
    root: {
      id: "0704.0001",
      token: { "@_cursor": "10", "@_completeListSize": "19", "#text": "abc|11" },
      empty: "",
      bare: { "@_attr": "1" },
      a: ["one", "two"],
      list: [{ one: "x" }],
    },
  });
});

test("entities, character references and CDATA are decoded", () => {
  const doc = parseXml(
    `<r t="a &amp; b"><x>&lt;p&gt; &quot;q&quot; &apos;s&apos; &#233;&#x1D4B3;</x><c><![CDATA[<b> & </b>]]></c></r>`,
    none,
  );
  assert.deepEqual(doc, { r: { "@_t": "a & b", x: `<p> "q" 's' é𝒳`, c: "<b> & </b>" } });
});

test("characters XML 1.0 forbids, raw or as references, are dropped rather than refusing the page", () => {
  assert.deepEqual(parseXml("<r><t>a\u0001b&#0;c&#x1F;d&#65535;e\tf&#10;g</t></r>", none), {
    r: { t: "abcde\tf\ng" },
  });
});

test("a DOCTYPE without declarations is passed over", () => {
  assert.deepEqual(parseXml("<!DOCTYPE html><html><body>hi</body></html>", none), {
    html: { body: "hi" },
  });
});

test("what is not well-formed is refused, with the line it was found on", () => {
  const refused: [string, RegExp][] = [
    ["<r><a>x</r>", /^unexpected close tag on line 1$/],
    ["<r>\n<a>\nx", /^unclosed tag: a on line 3$/],
    ["<r>fish & chips</r>", /on line 1$/],
    ["<r>&nbsp;</r>", /^undefined entity on line 1$/],
    ["<r>&#x110000;</r>", /^malformed character entity/],
    ['<r a="1" a="2"/>', /^duplicate attribute: a/],
    ['<a:r xmlns:a="u" b:x="1" c:x="2"/>', /^attribute c:x given twice in <a:r>/],
    ['<r a="x<y"/>', /^disallowed character/],
    ["<r a=1/>", /^unquoted attribute value/],
    ["<r/><s/>", /^documents may contain only one root/],
    ["hello <r/>", /^text data outside of root node/],
    ["</r>", /^unmatched closing tag: r/],
    ["<r>< a</r>", /^disallowed character in tag name/],
    ["<r><!-- open</r>", /^unclosed tag: r/],
    ['<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', /^a DOCTYPE with declarations is not supported/],
    ["   ", /^document must contain a root element/],
  ];
  for (const [xml, message] of refused)
    assert.throws(
      () => parseXml(xml, none),
      (err: Error) => err instanceof XmlSyntaxError && message.test(err.message),
      xml,
    );
});
