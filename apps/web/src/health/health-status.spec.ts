import { describe, expect, it } from '@jest/globals';
import { dependencyKind, fetchHealth, summarizeHealth } from './health-status.js';

const up = { status: 'up' };
const down = (message: string) => ({ status: 'down', message });

describe('summarizeHealth', () => {
  it('is ok when terminus says ok', () => {
    const body = { status: 'ok', info: { database: up, redis: up }, error: {}, details: { database: up, redis: up } };
    expect(summarizeHealth(body)).toEqual({ state: 'ok' });
  });

  it('names each failing indicator from `error`, in order', () => {
    const body = {
      status: 'error',
      info: { database: up },
      error: { redis: down('connect ECONNREFUSED'), smtp: down('timeout') },
      details: { database: up, redis: down('connect ECONNREFUSED'), smtp: down('timeout') },
    };
    expect(summarizeHealth(body)).toEqual({
      state: 'degraded',
      down: [
        { kind: 'queue', key: 'redis' },
        { kind: 'mail', key: 'smtp' },
      ],
    });
  });

  it('falls back to `details` when `error` is missing', () => {
    const body = { status: 'error', details: { database: down('timeout'), redis: up } };
    expect(summarizeHealth(body)).toEqual({ state: 'degraded', down: [{ kind: 'database', key: 'database' }] });
  });

  it('is degraded with nothing named when the portal is shutting down with all indicators up', () => {
    expect(summarizeHealth({ status: 'shutting_down', error: {}, details: { database: up } })).toEqual({
      state: 'degraded',
      down: [],
    });
  });

  it.each([null, 'Service Unavailable', [], {}, { status: 503 }])('treats %p as unreachable', (body) => {
    expect(summarizeHealth(body)).toEqual({ state: 'unreachable' });
  });
});

describe('dependencyKind', () => {
  it.each([
    ['database', 'database'],
    ['postgres', 'database'],
    ['db', 'database'],
    ['redis', 'queue'],
    ['queue', 'queue'],
    ['mail', 'mail'],
    ['smtp', 'mail'],
    ['disk', 'storage'],
    ['memory_heap', 'memory'],
    ['oidc', 'other'],
  ])('%s → %s', (key, kind) => {
    expect(dependencyKind(key)).toBe(kind);
  });
});

describe('fetchHealth', () => {
  const respond = (status: number, body: unknown): typeof fetch =>
    (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) as typeof fetch;

  it('reads the details of a 503', async () => {
    const body = { status: 'error', info: {}, error: { database: down('x') }, details: { database: down('x') } };
    await expect(fetchHealth(respond(503, body))).resolves.toEqual({
      state: 'degraded',
      down: [{ kind: 'database', key: 'database' }],
    });
  });

  it('is unreachable on a network error or a body that is not JSON', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const html = (async () => new Response('<!doctype html>', { status: 502 })) as typeof fetch;
    await expect(fetchHealth(failing)).resolves.toEqual({ state: 'unreachable' });
    await expect(fetchHealth(html)).resolves.toEqual({ state: 'unreachable' });
  });

  it('is unreachable when the portal does not answer in time', async () => {
    const hanging = ((_input: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as typeof fetch;
    await expect(fetchHealth(hanging, { timeoutMs: 10 })).resolves.toEqual({ state: 'unreachable' });
  });

  it('rejects when the caller aborts', async () => {
    const hanging = ((_input: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as typeof fetch;
    const caller = new AbortController();
    const result = fetchHealth(hanging, { signal: caller.signal });
    caller.abort();
    await expect(result).rejects.toThrow('aborted');
  });
});
