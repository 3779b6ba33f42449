import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { Response } from 'express';
import { AllExceptionsFilter } from '../core/http/exception.filter.js';
import { isIdentityException } from './identity.exception.js';

/** The global error shape, plus Retry-After on rate-limited answers. */
@Catch()
export class IdentityExceptionFilter extends AllExceptionsFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http' && isIdentityException(exception) && exception.retryAfterSeconds !== undefined) {
      const response = host.switchToHttp().getResponse<Response>();
      if (!response.headersSent) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    super.catch(exception, host);
  }
}
