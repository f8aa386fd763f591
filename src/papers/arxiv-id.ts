/**
 * arXiv identifiers in the forms people paste: new style (2408.03361, 0704.0001v2), old style
 * (hep-th/9901001, math.GT/0309136v1), and URLs of arXiv, its PDFs, or Hugging Face paper pages.
 */
export interface ArxivId {
  /** The id without version, the key papers are stored under. */
  id: string;
  version: number | null;
}

const NEW_STYLE = /^(\d{4})\.(\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?)\/(\d{7})(?:v(\d+))?$/;
const URL_PREFIX =
  /^(?:https?:\/\/)?(?:www\.|export\.)?(?:arxiv\.org\/(?:abs|pdf|html)\/|huggingface\.co\/papers\/|hf\.co\/papers\/)/i;

export function parseArxivId(input: string): ArxivId | null {
  let s = input.trim();
  if (s.length === 0 || s.length > 200) return null;
  s = s.replace(/^arxiv:/i, "");
  const fromUrl = URL_PREFIX.test(s);
  if (fromUrl)
    s = s
      .replace(URL_PREFIX, "")
      .replace(/[?#].*$/, "")
      .replace(/\/$/, "")
      .replace(/\.pdf$/i, "");
  const m = NEW_STYLE.exec(s);
  if (m) {
    const month = Number(m[1].slice(2));
    // Five-digit numbers began in 2015 (1501); earlier months had four.
    if (month < 1 || month > 12) return null;
    if (m[2].length === 5 && Number(m[1]) < 1501) return null;
    if (m[2].length === 4 && Number(m[1]) >= 1501) return null;
    return { id: `${m[1]}.${m[2]}`, version: m[3] ? Number(m[3]) : null };
  }
  const o = OLD_STYLE.exec(s);
  if (o) {
    const month = Number(o[2].slice(2, 4));
    if (month < 1 || month > 12) return null;
    return { id: `${o[1]}/${o[2]}`, version: o[3] ? Number(o[3]) : null };
  }
  return null;
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}
