import type { FastifySchemaCompiler } from "fastify";
import { hasZodFastifySchemaValidationErrors, validatorCompiler } from "fastify-type-provider-zod";
import type { z } from "zod";
import { HttpError } from "./errors.ts";

/**
 * Routes declare their params, query string and body with zod (fields.ts) and Fastify checks
 * them before the handler runs. A request without a body is checked as an empty form, so a
 * form post with no fields gets the same answer as one with empty fields.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const check = validatorCompiler(route);
  return route.httpPart === "body" ? (data) => check(data ?? {}) : check;
};

/**
 * Responses are sent as the handlers build them, with JSON.stringify: their zod schemas describe
 * them for the OpenAPI document and the types, and a test checks real responses against them.
 * Re-encoding through zod here would drop any field a schema forgot and turn a mismatch into a 500.
 */
export const plainJsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

const PART: Record<string, string> = {
  querystring: "parameter",
  params: "parameter",
  body: "field",
  headers: "header",
};

/**
 * A failed declaration as the one error users see: a 400 that names the first bad parameter or
 * field and says why. Null when the error is not a validation failure.
 */
export function validationFailure(err: unknown, wildcardParam?: string): HttpError | null {
  if (!hasZodFastifySchemaValidationErrors(err)) return null;
  const context = (err as { validationContext?: string }).validationContext ?? "body";
  const issue = err.validation[0];
  let param = issue.instancePath.split("/").filter(Boolean).join(".") || undefined;
  if (param === "*" && wildcardParam) param = wildcardParam;
  if (!param) {
    if (issue.keyword !== "invalid_type")
      return new HttpError(400, issue.message ?? "The request is invalid.");
    const what = context === "body" ? "The request body" : `The ${PART[context] ?? context}s`;
    return new HttpError(400, `${what} must be a form or a JSON object.`);
  }
  return new HttpError(400, `Invalid ${PART[context] ?? "parameter"} "${param}": ${issue.message}`, param);
}
