/** A page's forms as a browser without JavaScript would submit them: action, method and fields. */
export interface PageForm {
  action: string;
  method: string;
  /** Hidden and text inputs with their values; a select with its first option, as submitted untouched. */
  fields: Record<string, string>;
  /** Each select's options (value and label). */
  options: Record<string, { value: string; label: string }[]>;
  /** The form's text, tags stripped. */
  text: string;
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]) : undefined;
}

export function formsOf(html: string): PageForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, open, inner]) => {
    const fields: Record<string, string> = {};
    const options: PageForm["options"] = {};
    for (const [tag] of inner.matchAll(/<input\b[^>]*>/g)) {
      const name = attr(tag, "name");
      const type = attr(tag, "type") ?? "text";
      if (!name || ((type === "checkbox" || type === "radio") && !/\schecked\b/.test(tag))) continue;
      fields[name] = attr(tag, "value") ?? "";
    }
    for (const [, selOpen, body] of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(selOpen, "name");
      if (!name) continue;
      options[name] = [...body.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/g)].map(([, o, label]) => ({
        value: attr(o, "value") ?? decode(label),
        label: decode(label.trim()),
      }));
      if (options[name][0]) fields[name] = options[name][0].value;
    }
    return {
      action: attr(`<form ${open}`, "action") ?? "",
      method: (attr(`<form ${open}`, "method") ?? "get").toLowerCase(),
      fields,
      options,
      text: decode(
        inner
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .trim(),
      ),
    };
  });
}
