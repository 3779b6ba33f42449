import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { SecurityException } from './security.exception.js';

/** C0 controls and DEL; a note may still hold line breaks and tabs (CR, LF, TAB). */
/* eslint-disable no-control-regex -- finding control characters is the point */
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/* eslint-enable no-control-regex */
/** Body fields where line breaks are text (an acknowledgement note) or a scanner's line end (a QR text). */
const MULTILINE_FIELDS = new Set(['note', 'qr']);

/** The first field (dotted path) holding a control character, or null. */
export function fieldWithControlCharacters(value: unknown, path: string, allowLines = false, depth = 0): string | null {
  if (typeof value === 'string') return (allowLines ? CONTROL_EXCEPT_LINES : CONTROL).test(value) ? path || 'value' : null;
  if (depth > 4 || value === null || typeof value !== 'object') return null;
  for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
    if (CONTROL.test(name)) return path ? `${path}.(name)` : '(a parameter name)';
    const found = fieldWithControlCharacters(inner, path ? `${path}.${name}` : name, depth === 0 && MULTILINE_FIELDS.has(name), depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses control characters (NUL and the like) in any query parameter or body field of the security API with a
 * 400 that names the field, before they reach validation or PostgreSQL (which rejects NUL in text with a 500).
 */
@Injectable()
export class ControlCharacterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const inQuery = fieldWithControlCharacters(request.query, '');
    if (inQuery) {
      throw new SecurityException(
        'security-query-invalid',
        `${inQuery} contains control characters (such as NUL): remove them; type plain text, e.g. a name or an alumni number.`,
      );
    }
    const inBody = fieldWithControlCharacters(request.body, '');
    if (inBody) {
      throw new SecurityException(
        'security-input-invalid',
        `${inBody} contains control characters (such as NUL): remove them and send plain text.`,
      );
    }
    return next.handle();
  }
}
