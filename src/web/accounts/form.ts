/** A fetch from our own scripts asks for JSON; a browser's form post asks for HTML. */
export function wantsJson(accept: string | undefined): boolean {
  return !!accept && accept.includes("application/json") && !accept.includes("text/html");
}
