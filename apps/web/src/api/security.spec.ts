import { describe, expect, it } from '@jest/globals';
import { ApiClient } from './client.js';
import { checkEntryFilters, EMPTY_ENTRY_FILTERS, entryQuery, localTimeToIso, normalizePassId, securityApi } from './security.js';

const PASS_ID = '0123456789abcdef0123456789abcdef';

describe('entry search query', () => {
  it('leaves empty fields out', () => {
    expect(entryQuery(EMPTY_ENTRY_FILTERS)).toBe('');
  });

  it('sends every filled field, the pass id normalised and times as ISO instants of the device time', () => {
    const query = entryQuery(
      {
        q: '  Chan Tai ',
        passId: ' 01234567-89AB-CDEF 0123456789abcdef ',
        gateId: '7f1c0b9e-2f64-4d5e-9a43-9d2c8c3f1e11',
        decision: 'denied',
        from: '2026-11-27T08:00',
        to: '2026-11-27T18:30',
      },
      'cursor:abc',
      50,
    );
    const params = new URLSearchParams(query.slice(1));
    expect(query.startsWith('?')).toBe(true);
    expect(params.get('q')).toBe('Chan Tai');
    expect(params.get('passId')).toBe(PASS_ID);
    expect(params.get('gateId')).toBe('7f1c0b9e-2f64-4d5e-9a43-9d2c8c3f1e11');
    expect(params.get('decision')).toBe('denied');
    // Hong Kong time, whatever the device's zone.
    expect(params.get('from')).toBe('2026-11-27T00:00:00.000Z');
    expect(params.get('to')).toBe('2026-11-27T10:30:00.000Z');
    expect(params.get('cursor')).toBe('cursor:abc');
    expect(params.get('limit')).toBe('50');
  });

  it('escapes what people type', () => {
    expect(entryQuery({ ...EMPTY_ENTRY_FILTERS, q: 'a&b=c #d' })).toBe('?q=a%26b%3Dc+%23d');
  });

  it('reads datetime-local values as Hong Kong time and refuses anything else', () => {
    expect(localTimeToIso('2026-11-27T08:00')).toBe('2026-11-27T00:00:00.000Z');
    expect(localTimeToIso('2026-11-27T08:00:30')).toBe('2026-11-27T00:00:30.000Z');
    expect(localTimeToIso('2026-11-27T02:15')).toBe('2026-11-26T18:15:00.000Z');
    expect(localTimeToIso('2026-02-30T08:00')).toBeUndefined();
    expect(localTimeToIso('2026-11-27')).toBeUndefined();
    expect(localTimeToIso('2026-13-40T08:00')).toBeUndefined();
    expect(localTimeToIso('yesterday')).toBeUndefined();
  });

  it('normalises a pasted pass id', () => {
    expect(normalizePassId('0123 4567-89AB')).toBe('0123456789ab');
  });
});

describe('entry search checks', () => {
  it('accepts empty and complete filters', () => {
    expect(checkEntryFilters(EMPTY_ENTRY_FILTERS)).toEqual({});
    expect(
      checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, passId: PASS_ID.toUpperCase(), from: '2026-11-27T08:00', to: '2026-11-27T08:00' }),
    ).toEqual({});
  });

  it('names each wrong field', () => {
    expect(checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, q: 'x'.repeat(101), passId: '1234', from: '2026-02-30T25:00' })).toEqual({
      q: 'too-long',
      passId: 'pass-id-invalid',
      from: 'time-invalid',
    });
    expect(checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, passId: `${PASS_ID.slice(1)}g` })).toEqual({ passId: 'pass-id-invalid' });
  });

  it('needs at least two characters of a name', () => {
    expect(checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, q: ' x ' })).toEqual({ q: 'too-short' });
    expect(checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, q: 'ab' })).toEqual({ q: 'too-short' });
    expect(checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, q: 'abc' })).toEqual({});
    expect(checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, q: 'ch\u0000an' })).toEqual({ q: 'control-characters' });
  });

  it('refuses a range that ends before it starts', () => {
    expect(checkEntryFilters({ ...EMPTY_ENTRY_FILTERS, from: '2026-11-27T10:00', to: '2026-11-27T09:59' })).toEqual({
      to: 'range-reversed',
    });
  });
});

describe('security API calls', () => {
  function recording() {
    const calls: Array<{ url: string; method: string; body: unknown }> = [];
    const client = new ApiClient({
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        calls.push({ url: String(input), method: init?.method ?? 'GET', body: init?.body ? JSON.parse(String(init.body)) : undefined });
        const url = String(input);
        const body = url.includes('/gates')
          ? { gates: [] }
          : url.includes('/entry-points')
            ? { points: [] }
            : url.includes('/alerts?')
              ? { alerts: [], nextCursor: null }
              : {};
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
      cookies: () => 'cp_csrf=token',
    });
    return { calls, security: securityApi(client) };
  }

  it('reaches the endpoints of the contract', async () => {
    const { calls, security } = recording();
    await expect(security.gates()).resolves.toEqual([]);
    await expect(security.alerts()).resolves.toEqual([]);
    await security.entries({ ...EMPTY_ENTRY_FILTERS, decision: 'granted' }, 'next');
    await security.acknowledge('a/b', 'Checked the turnstile');
    await security.handheldCheck('CP1:ABC', 'Side door');
    await security.handheldCheck('CP1:ABC');
    await security.ingest();
    await expect(security.alertPage('all', 'older one', 20)).resolves.toEqual({ alerts: [], nextCursor: null });
    await security.alertPage('acknowledged', null, 20);
    await expect(security.entryPoints()).resolves.toEqual([]);
    expect(calls).toEqual([
      { url: '/api/security/gates', method: 'GET', body: undefined },
      { url: '/api/security/alerts?state=open', method: 'GET', body: undefined },
      { url: '/api/security/entries?decision=granted&cursor=next', method: 'GET', body: undefined },
      { url: '/api/security/alerts/a%2Fb/acknowledge', method: 'POST', body: { note: 'Checked the turnstile' } },
      { url: '/api/security/handheld/check', method: 'POST', body: { qr: 'CP1:ABC', location: 'Side door' } },
      { url: '/api/security/handheld/check', method: 'POST', body: { qr: 'CP1:ABC' } },
      { url: '/api/security/ingest', method: 'GET', body: undefined },
      { url: '/api/security/alerts?state=all&limit=20&cursor=older+one', method: 'GET', body: undefined },
      { url: '/api/security/alerts?state=acknowledged&limit=20', method: 'GET', body: undefined },
      { url: '/api/security/entry-points', method: 'GET', body: undefined },
    ]);
  });
});
