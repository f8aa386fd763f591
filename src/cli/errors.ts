/** Errors a user can act on: printed as one line, no stack trace (see main.ts). */
export class CliError extends Error {}
