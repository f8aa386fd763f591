import { addApiSchema, schemaRef } from "./openapi.ts";

/** The JSON Schemas of what the presenters emit, for the OpenAPI document. */
const str = { type: "string" };
const dateTime = { type: "string", format: "date-time" };
const nullable = (t: Record<string, unknown>) => ({ anyOf: [t, { type: "null" }] });

export function registerPaperSchemas(): void {
  addApiSchema("Author", {
    type: "object",
    required: ["_id", "name", "hidden"],
    properties: { _id: str, name: str, hidden: { type: "boolean" } },
  });
  addApiSchema("User", {
    type: "object",
    required: ["_id", "avatarUrl", "fullname", "name", "user", "type", "isPro"],
    properties: {
      _id: str,
      avatarUrl: str,
      fullname: str,
      name: str,
      user: str,
      type: { const: "user" },
      isPro: { type: "boolean" },
    },
  });
  const paperProperties = {
    id: { type: "string", description: "arXiv id" },
    authors: { type: "array", items: schemaRef("Author") },
    publishedAt: nullable(dateTime),
    title: str,
    summary: { type: "string", description: "The abstract." },
    upvotes: { type: "integer" },
    discussionId: str,
    submittedOnDailyAt: dateTime,
    submittedOnDailyBy: schemaRef("User"),
    githubRepo: str,
    githubStars: { type: "integer" },
    projectPage: str,
    ai_summary: str,
    ai_keywords: { type: "array", items: str },
  };
  const paperRequired = ["id", "authors", "publishedAt", "title", "summary", "upvotes", "discussionId"];
  addApiSchema("Paper", { type: "object", required: paperRequired, properties: paperProperties });
  addApiSchema("PaperDetail", {
    type: "object",
    required: [...paperRequired, "numComments", "categories", "arxivUrl", "pdfUrl", "url"],
    properties: {
      ...paperProperties,
      numComments: { type: "integer" },
      updatedAt: nullable(dateTime),
      version: nullable({ type: "integer" }),
      categories: { type: "array", items: str },
      primaryCategory: nullable(str),
      doi: nullable(str),
      journalRef: nullable(str),
      comments: nullable({ type: "string", description: "The authors' arXiv comments (pages, venue)." }),
      license: nullable(str),
      arxivUrl: str,
      pdfUrl: str,
      url: { type: "string", description: "The paper's page here." },
    },
  });
  addApiSchema("DailyPaper", {
    type: "object",
    required: [
      "paper",
      "publishedAt",
      "title",
      "summary",
      "thumbnail",
      "numComments",
      "isAuthorParticipating",
    ],
    properties: {
      paper: schemaRef("Paper"),
      publishedAt: { ...dateTime, description: "When the paper entered the feed." },
      title: str,
      summary: str,
      thumbnail: str,
      numComments: { type: "integer" },
      submittedBy: schemaRef("User"),
      isAuthorParticipating: { type: "boolean" },
    },
  });
}
