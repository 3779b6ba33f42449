/**
 * Reads the portal's GET /health answer (@nestjs/terminus: { status, info, error, details }) into what
 * the status line shows. Terminus answers 200 with status 'ok', or 503 with status 'error' (or
 * 'shutting_down') and the failing indicators under `error`, each { status: 'down', ... }.
 */

/** Dependencies the status line names; anything else is shown by its indicator key. */
export type DependencyKind = 'database' | 'queue' | 'mail' | 'storage' | 'memory' | 'other';

export interface DownDependency {
  readonly kind: DependencyKind;
  /** The terminus indicator key, e.g. 'database' or 'redis'. */
  readonly key: string;
}

export type HealthSummary =
  { readonly state: 'ok' } | { readonly state: 'degraded'; readonly down: readonly DownDependency[] } | { readonly state: 'unreachable' };

const KIND_PATTERNS: ReadonlyArray<readonly [DependencyKind, RegExp]> = [
  ['database', /database|postgres|typeorm|^db$|^pg$/i],
  ['queue', /redis|queue|bullmq|worker/i],
  ['mail', /mail|smtp/i],
  ['storage', /disk|storage/i],
  ['memory', /memory|heap|rss/i],
];

export function dependencyKind(key: string): DependencyKind {
  return KIND_PATTERNS.find(([, pattern]) => pattern.test(key))?.[0] ?? 'other';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Indicator keys whose own status is not 'up', in the order the portal listed them. */
function downKeys(indicators: unknown): string[] {
  if (!isRecord(indicators)) return [];
  return Object.entries(indicators)
    .filter(([, result]) => !(isRecord(result) && result['status'] === 'up'))
    .map(([key]) => key);
}

export function summarizeHealth(body: unknown): HealthSummary {
  if (!isRecord(body) || typeof body['status'] !== 'string') return { state: 'unreachable' };
  const keys = downKeys(body['error']);
  const down = keys.length > 0 ? keys : downKeys(body['details']);
  if (body['status'] === 'ok' && down.length === 0) return { state: 'ok' };
  return { state: 'degraded', down: down.map((key) => ({ kind: dependencyKind(key), key })) };
}

export const HEALTH_TIMEOUT_MS = 8_000;

/**
 * Asks the portal how it is. Any answer with a terminus body counts (a 503 carries the details); a network
 * error, a timeout or a body that is not terminus JSON means the portal is unreachable. Rejects only when
 * the caller aborts through `signal` (e.g. the component unmounted).
 */
export async function fetchHealth(
  fetchImpl: typeof fetch,
  { signal, timeoutMs = HEALTH_TIMEOUT_MS }: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<HealthSummary> {
  const request = new AbortController();
  const abort = (): void => request.abort();
  signal?.addEventListener('abort', abort, { once: true });
  const timer = setTimeout(abort, timeoutMs);
  try {
    const response = await fetchImpl('/health', {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      signal: request.signal,
    });
    return summarizeHealth(await response.json());
  } catch (error) {
    if (signal?.aborted) throw error;
    return { state: 'unreachable' };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}
