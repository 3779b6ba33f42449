import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../core/http/domain.exception.js';

export type MailErrorCode = 'mail-unavailable' | 'mail-invalid-message';

const STATUS: Record<MailErrorCode, number> = {
  'mail-unavailable': HttpStatus.SERVICE_UNAVAILABLE,
  'mail-invalid-message': HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * `mail-unavailable`: neither the queue nor the mail server took the message (tell the person to try again);
 * `mail-invalid-message`: a caller passed a recipient or template data the template cannot use (a bug).
 */
export class MailException extends DomainException<MailErrorCode> {
  readonly httpStatus: number;

  constructor(code: MailErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.httpStatus = STATUS[code];
  }

  static unavailable(): MailException {
    return new MailException(
      'mail-unavailable',
      'We could not send the email just now. Please try again in a few minutes; if it keeps happening, contact the Alumni Affairs Office.',
    );
  }
}

export const isMailException = (error: unknown): error is MailException => error instanceof MailException;
