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

test("a DOCTYPE without declarations is passed over", () => {
  assert.deepEqual(parseXml("<!DOCTYPE html><html><body>hi</body></html>", none), {
    html: { body: "hi" },
  });
});

test("what is not well-formed is refused, with the line it was found on", () => {
  const refused: [string, RegExp][] = [
    ["<r><a>x</r>", /^<\/r> closes <a> on line 1$/],
    ["<r>\n<a>\nx", /^the document ends inside <a> on line 3$/],
    ["<r>fish & chips</r>", /^an '&' that starts no entity reference \("& chips"\) on line 1$/],
    ["<r>&nbsp;</r>", /^an '&' that starts no entity reference/],
    ["<r>&#0;</r>", /^a character reference to no character \(&#0;\)/],
    ['<r a="1" a="2"/>', /^attribute a given twice in <r>/],
    ['<r a="x<y"/>', /^a malformed start tag <r/],
    ["<r a=1/>", /^a malformed start tag <r/],
    ["<r/><s/>", /^a second root element/],
    ["hello <r/>", /^text outside the root element/],
    ["</r>", /^<\/r> closes nothing/],
    ["<r>< a</r>", /^a '<' that starts no tag/],
    ["<r><!-- open</r>", /^a comment is never closed/],
    ['<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', /^a DOCTYPE with declarations is not supported/],
    ["   ", /^no root element/],
  ];
  for (const [xml, message] of refused)
    assert.throws(
      () => parseXml(xml, none),
      (err: Error) => err instanceof XmlSyntaxError && message.test(err.message),
      xml,
    );
});
