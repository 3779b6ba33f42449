import type { Request } from 'express';
import type { RequestContext } from './identity-audit.js';

/** Who is asking, as far as the audit log and rate limits need to know. */
export function requestContext(request: Request): RequestContext {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent : null };
}
