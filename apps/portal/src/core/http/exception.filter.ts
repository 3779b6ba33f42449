import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainException } from './domain.exception.js';

export interface ErrorBody {
  statusCode: number;
  error?: string;
  code?: string;
  message?: string | string[];
  details?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * One shape for every error answer. Domain exceptions keep their code and message; HTTP exceptions (validation
 * included) keep theirs; anything else is a bug: logged once with its stack, answered with a generic 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = this.toBody(exception, request);
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request): ErrorBody {
    if (exception instanceof DomainException) {
      return {
        statusCode: exception.httpStatus,
        error: HttpStatus[exception.httpStatus] ?? 'Error',
        code: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const answer = exception.getResponse();
      // Structured answers (validation messages, the health report) pass through unchanged.
      if (typeof answer === 'object' && answer !== null) return { statusCode: status, error: HttpStatus[status] ?? 'Error', ...answer };
      return { statusCode: status, error: HttpStatus[status] ?? 'Error', message: answer };
    }
    if (isUnstorableText(exception)) {
      // A field no validator checked for NUL (PostgreSQL stores no NUL in text or jsonb): the caller's mistake, not ours.
      return {
        statusCode: HttpStatus.BAD_REQUEST,
        error: 'BAD_REQUEST',
        code: 'validation-failed',
        message: 'The text contains a NUL character (\\u0000) or another character that cannot be stored: remove it and try again.',
      };
    }
    this.logger.error({ msg: 'unhandled error', method: request.method, path: request.path, err: exception });
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'INTERNAL_SERVER_ERROR',
      message: 'Something went wrong on our side. Please try again; if it keeps happening, contact the Alumni Affairs Office.',
    };
  }
}

/** PostgreSQL's character_not_in_repertoire (NUL in text) and untranslatable_character (\\u0000 in jsonb). */
function isUnstorableText(exception: unknown): boolean {
  const code = exception instanceof QueryFailedError ? (exception.driverError as { code?: string } | undefined)?.code : undefined;
  return code === '22021' || code === '22P05';
}
