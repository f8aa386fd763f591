/**
 * Something the person asking did wrong or may not do, in words for them: the one error type
 * every capability throws for it. The web app maps it once, in its error handler, to an error
 * page or a JSON body (with `field` for API clients); the CLI prints the message as one line.
 */
export class UserError extends Error {
  constructor(
    /** The HTTP status that says what kind of refusal it is (400, 403, 404, 409, 429). */
    readonly status: number,
    message: string,
    /** The parameter or form field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
}
