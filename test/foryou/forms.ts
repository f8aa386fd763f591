import type { FastifyInstance } from "fastify";

/** What a browser would submit from a page's form: its hidden fields, ticked boxes and texts. */
export interface PageForm {
  action: string;
  fields: [string, string][];
  /** The checkboxes: name, value, ticked. */
  boxes: { name: string; value: string; checked: boolean }[];
}

const attr = (tag: string, name: string): string | null => {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? decodeEntities(m[1]) : null;
};
const decodeEntities = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The forms of a page posting to `action`, in page order. */
export function formsOf(body: string, action: string): PageForm[] {
  const out: PageForm[] = [];
  for (const m of body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (attr(m[1], "action") !== action) continue;
    const form: PageForm = { action, fields: [], boxes: [] };
    for (const i of m[2].matchAll(/<input\b[^>]*>/g)) {
      const name = attr(i[0], "name");
      if (!name) continue;
      const type = attr(i[0], "type") ?? "text";
      const value = attr(i[0], "value") ?? (type === "checkbox" ? "on" : "");
      if (type === "checkbox") form.boxes.push({ name, value, checked: /\schecked\b/.test(i[0]) });
      else form.fields.push([name, value]);
    }
    for (const t of m[2].matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attr(t[1], "name");
      if (name) form.fields.push([name, decodeEntities(t[2])]);
    }
    out.push(form);
  }
  return out;
}

export function formOf(body: string, action: string): PageForm {
  const [form] = formsOf(body, action);
  if (!form) throw new Error(`no form posting to ${action}`);
  return form;
}

/** Ticks (true) or unticks (false) the box with this value. */
export function tick(form: PageForm, value: string, on: boolean): PageForm {
  const box = form.boxes.find((b) => b.value === value);
  if (!box) throw new Error(`no checkbox ${value} in the form to ${form.action}`);
  box.checked = on;
  return form;
}

export function setField(form: PageForm, name: string, value: string): PageForm {
  const f = form.fields.find(([n]) => n === name);
  if (!f) throw new Error(`no field ${name} in the form to ${form.action}`);
  f[1] = value;
  return form;
}

export function submit(app: FastifyInstance, cookie: string, form: PageForm) {
  const body = new URLSearchParams(form.fields);
  for (const b of form.boxes) if (b.checked) body.append(b.name, b.value);
  return app.inject({
    method: "POST",
    url: form.action,
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: body.toString(),
  });
}
