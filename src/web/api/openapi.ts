import { z } from "zod";

/**
 * The OpenAPI 3.1 document of the JSON API, served at GET /api/openapi.json. Each capability
 * registers its own paths from its route module, next to the zod schema that validates them,
 * so the document cannot drift from what the routes accept.
 */
export type OperationObject = Record<string, unknown> & {
  summary: string;
  responses: Record<string, unknown>;
};
type Method = "get" | "post" | "put" | "patch" | "delete";
export type PathItem = Partial<Record<Method, OperationObject>>;

const paths = new Map<string, PathItem>();
const schemas = new Map<string, unknown>();

/** Adds (or replaces) the operations of one path, in OpenAPI form: `/api/papers/{id}`. */
export function addApiPath(path: string, item: PathItem): void {
  paths.set(path, { ...paths.get(path), ...item });
}

/** A named schema under components.schemas, referenced as `{ $ref: "#/components/schemas/Name" }`. */
export function addApiSchema(name: string, schema: unknown): void {
  schemas.set(name, schema);
}

export function schemaRef(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * How a query parameter is documented when its zod schema parses a string into something
 * else (a whole number, a period): the JSON Schema of the value, not of the raw string.
 */
export const paramDocs = z.registry<Record<string, unknown>>();

function documented(field: z.ZodType): Record<string, unknown> | undefined {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
  return paramDocs.get(inner);
}

/** OpenAPI query parameters from the zod object a route validates its query string with. */
export function queryParameters(schema: z.ZodObject): Record<string, unknown>[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    const field = schema.shape[name] as z.ZodType | undefined;
    return {
      name,
      in: "query",
      required: json.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: (field && documented(field)) ?? rest,
    };
  });
}

export const ERROR_SCHEMA = {
  type: "object",
  required: ["error", "status"],
  properties: {
    error: { type: "string", description: "What was wrong, for a person to read." },
    param: { type: "string", description: "The parameter at fault, when one is." },
    status: { type: "integer" },
  },
};

/** A response of the shared error shape, for `responses` maps. */
export function errorResponse(description: string): Record<string, unknown> {
  return { description, content: { "application/json": { schema: schemaRef("Error") } } };
}

export function jsonResponse(description: string, schema: unknown, headers?: Record<string, unknown>) {
  return { description, ...(headers ? { headers } : {}), content: { "application/json": { schema } } };
}

export function openApiDocument(baseUrl: string): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Daily Papers API",
      version: "1.0.0",
      description:
        "Read the daily feed, papers and search results in the shapes of Hugging Face's papers API, so existing clients work. Errors are JSON `{error, param?, status}`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: baseUrl }],
    paths: Object.fromEntries([...paths.entries()].sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas: { Error: ERROR_SCHEMA, ...Object.fromEntries(schemas) } },
  };
}
