// Escaping by default lives below the capabilities (emails render HTML too); web code imports it from here.
export { escapeHtml, html, raw, SafeHtml } from "../render/html.ts";
