/**
 * The browser's one way to call the portal API: JSON in and out, cookies sent (same origin), the CSRF token
 * echoed in X-CSRF-Token on every unsafe method, and errors as ApiError carrying the server's code and message.
 * A 401 that means "not signed in" sends the person to the sign-in page (see `onSignInRequired`).
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_COOKIE = 'cp_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Error codes that mean the session is missing or over: the page should ask the person to sign in. */
const SIGN_IN_CODES = new Set(['sign-in-required', 'session-ended']);

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the portal could not be reached. */
    readonly status: number,
    /** The server's machine code (e.g. 'code-wrong'), when it sent one. */
    readonly code: string | undefined,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    /** Seconds from a Retry-After header (429). */
    readonly retryAfterSeconds?: number,
    /** Every message of a validation answer (ValidationPipe sends a list). */
    readonly messages: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get signInRequired(): boolean {
    return this.status === 401 && (this.code === undefined || SIGN_IN_CODES.has(this.code));
  }

  get networkError(): boolean {
    return this.status === 0;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Reads one cookie from document.cookie-style text. */
export function readCookie(cookieText: string, name: string): string | undefined {
  for (const part of cookieText.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const GENERIC_MESSAGE = 'Something went wrong. Please try again.';

/** Turns an error answer ({ statusCode, code?, message, details? }) into an ApiError. */
export function errorFromBody(status: number, body: unknown, retryAfter: string | null): ApiError {
  const record = isRecord(body) ? body : {};
  const raw = record['message'];
  const messages = Array.isArray(raw) ? raw.filter((m): m is string => typeof m === 'string') : typeof raw === 'string' ? [raw] : [];
  const details = isRecord(record['details']) ? record['details'] : {};
  const fromDetails = typeof details['retryAfterSeconds'] === 'number' ? details['retryAfterSeconds'] : undefined;
  return new ApiError(
    status,
    typeof record['code'] === 'string' ? record['code'] : undefined,
    messages.join(' ') || GENERIC_MESSAGE,
    details,
    parseRetryAfter(retryAfter) ?? fromDetails,
    messages.length > 0 ? messages : [GENERIC_MESSAGE],
  );
}

export interface ApiClientOptions {
  readonly fetch: typeof fetch;
  /** document.cookie, read at call time. */
  readonly cookies: () => string;
  /** Called (once per failing call) when the portal says the person must sign in. */
  readonly onSignInRequired?: (error: ApiError) => void;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Don't call onSignInRequired on a 401 (e.g. the session check itself). */
  readonly quiet401?: boolean;
}

export class ApiClient {
  /** The CSRF token of the current session, when the session check or a sign-in told us. */
  private csrfToken: string | undefined;

  constructor(private readonly options: ApiClientOptions) {}

  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  /** The token to echo: the cookie (always current) first, else the one the session answer gave. */
  currentCsrfToken(): string | undefined {
    return readCookie(this.options.cookies(), CSRF_COOKIE) ?? this.csrfToken;
  }

  /** Headers every unsafe request needs (also used by the upload, which does not go through fetch). */
  unsafeHeaders(): Record<string, string> {
    const token = this.currentCsrfToken();
    return token ? { [CSRF_HEADER]: token } : {};
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, { ...options, body });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE_METHODS.has(method)) Object.assign(headers, this.unsafeHeaders());
    let response: Response;
    try {
      response = await this.options.fetch(path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError(0, 'network', 'Cannot reach the portal. Check your connection and try again.');
    }
    return this.handle<T>(response, options);
  }

  /** Reads a fetch or XHR answer: the JSON body on success, an ApiError otherwise. */
  async handle<T>(response: Response, options: Pick<RequestOptions, 'quiet401'> = {}): Promise<T> {
    const text = await response.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (response.ok) return body as T;
    const error = errorFromBody(response.status, body, response.headers.get('retry-after'));
    if (error.signInRequired && !options.quiet401) this.options.onSignInRequired?.(error);
    throw error;
  }
}
