/**
 * Base of each domain's own exception: a stable machine code, the HTTP status it maps to, and a message
 * for people that says what happened and what to do.
 */
export abstract class DomainException<Code extends string = string> extends Error {
  abstract readonly httpStatus: number;

  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
