import { z } from "zod";

/**
 * The shapes of the JSON API's answers, as zod schemas: the presenters' types derive from them
 * and the OpenAPI document is generated from them. Those with an `id` become named components
 * (`#/components/schemas/Paper`). They are Hugging Face's shapes, so its clients
 * (huggingface_hub's `list_daily_papers`, `paper_info`, `list_papers`) work unchanged.
 */
const dateTime = z.iso.datetime();

const ApiError = z
  .object({
    error: z.string().describe("What was wrong, for a person to read."),
    param: z.string().optional().describe("The parameter at fault, when one is."),
    status: z.int(),
  })
  .meta({ id: "Error" });

const Author = z.object({ _id: z.string(), name: z.string(), hidden: z.boolean() }).meta({ id: "Author" });

const User = z
  .object({
    _id: z.string(),
    avatarUrl: z.string(),
    fullname: z.string(),
    name: z.string(),
    /** The username again: huggingface_hub's User reads `user`, Hugging Face's pages `name`. */
    user: z.string().describe("The username again (huggingface_hub reads this one)."),
    type: z.literal("user"),
    isPro: z.boolean(),
  })
  .meta({ id: "User" });

const paperFields = {
  id: z.string().describe("arXiv id"),
  authors: z.array(Author),
  publishedAt: dateTime.nullable(),
  title: z.string(),
  summary: z.string().describe("The abstract."),
  upvotes: z.int(),
  discussionId: z.string(),
  submittedOnDailyAt: dateTime.optional(),
  submittedOnDailyBy: User.optional(),
  githubRepo: z.string().optional(),
  githubStars: z.int().optional(),
  projectPage: z.string().optional(),
  ai_summary: z.string().optional(),
  ai_keywords: z.array(z.string()).optional(),
};

const Paper = z.object(paperFields).meta({ id: "Paper" });

/** The flat object of GET /api/papers/{id}: Hugging Face's fields plus arXiv facts it lacks. */
export const PaperDetail = z
  .object({
    ...paperFields,
    numComments: z.int(),
    updatedAt: dateTime.nullable(),
    version: z.int().nullable(),
    categories: z.array(z.string()),
    primaryCategory: z.string().nullable(),
    doi: z.string().nullable(),
    journalRef: z.string().nullable(),
    comments: z.string().nullable().describe("The authors' arXiv comments (pages, venue)."),
    license: z.string().nullable(),
    arxivUrl: z.string(),
    pdfUrl: z.string(),
    url: z.string().describe("The paper's page here."),
  })
  .meta({ id: "PaperDetail" });

export const DailyPaper = z
  .object({
    paper: Paper,
    publishedAt: dateTime.describe("When the paper entered the feed."),
    title: z.string(),
    summary: z.string(),
    thumbnail: z.string(),
    numComments: z.int(),
    submittedBy: User.optional(),
    isAuthorParticipating: z.boolean(),
  })
  .meta({ id: "DailyPaper" });

const HighlightSpan = z
  .object({ type: z.enum(["text", "highlight"]), text: z.string() })
  .meta({ id: "HighlightSpan" });

export const SearchHit = z
  .object({
    ...DailyPaper.shape,
    highlightedTitle: z.array(HighlightSpan),
    highlightedSummary: z.array(HighlightSpan),
  })
  .meta({ id: "SearchHit" });

export const SimilarPapers = z.object({
  id: z.string(),
  similar: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      authors: z.array(z.string()),
      publishedAt: dateTime.nullable(),
      score: z.number().describe("Cosine similarity, -1 to 1."),
      url: z.string(),
    }),
  ),
});

export const UpvoteResult = z.object({
  arxivId: z.string(),
  upvoted: z.boolean().describe("Whether the signed-in user now upvotes the paper."),
  upvotes: z.int().describe("The paper's upvotes, counting every user's."),
});

export type HfUser = z.output<typeof User>;
export type HfPaper = z.output<typeof Paper>;
export type HfPaperDetail = z.output<typeof PaperDetail>;
export type HfDailyItem = z.output<typeof DailyPaper>;
export type HfSearchHit = z.output<typeof SearchHit>;

/** A JSON error answer in the shared shape, for a route's `response` map. */
export function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: ApiError } } };
}

/** A JSON answer of this shape, for a route's `response` map. */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } };
}
