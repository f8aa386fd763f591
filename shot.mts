import { launchBrowser } from "./test/helpers/browser.ts";
const [,, base, ...paths] = process.argv;
const b = await launchBrowser();
for (const spec of paths) {
  const [path, w, h, scheme] = spec.split("|");
  const p = await b.newPage({ viewport: { width: Number(w || 1280), height: Number(h || 900) }, colorScheme: (scheme as "dark") || "light" });
  await p.goto(base + path);
  const name = `/tmp/shots/${path.replace(/[^a-z0-9]+/gi, "_")}_${w}_${scheme || "light"}.png`;
  await p.screenshot({ path: name });
  console.log(name);
  await p.close();
}
await b.close();
