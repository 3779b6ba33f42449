import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { campusDayOf, campusDayToIsoDate } from '@campuspass/pass-token';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { inviteGuests } from '../../../../test/support/gate-fixtures.js';
import { post, send, type HttpSession } from '../../../../test/support/http-sessions.js';
import type { TestPortal } from '../../../../test/support/portal-app.js';
import { samplePath, type DeclaredRoute } from '../../../../test/support/routes.js';
import type { TestSmtpServer } from '../../../../test/support/smtp.js';
import { hkidCheckDigit } from '../alumni/hkid.js';
import type { Role } from '../identity/roles.js';
import { key, lower, startReviewPortal, ZERO_ID, type ReviewPortal } from '../../../../test/support/review-portal.js';

/**
 * An OWASP-style pass over the portal's inputs: the per-IP limit of every code check, and hostile text in every text
 * field, path parameter and query (stored exactly or refused with a 400, never a 500, never executed).
 */
describe('OWASP-style review of the portal: rate limits and hostile input (PostgreSQL, Redis, SMTP)', () => {
  let review: ReviewPortal;
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let routes: DeclaredRoute[];
  let bob: HttpSession;
  let sessionFor: ReviewPortal['sessionFor'];
  const server = () => portal.app.getHttpServer();

  beforeAll(async () => {
    review = await startReviewPortal();
    ({ portal, smtp, routes, bob, sessionFor } = review);
  }, 120_000);

  afterAll(async () => {
    await review?.close();
  });

  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;

  describe('rate limits on every code check', () => {
    it.each([
      ['POST /api/auth/email/verify', '/api/auth/email/verify', { requestId: ZERO_ID, code: '000000' }],
      ['POST /api/auth/register/verify', '/api/auth/register/verify', { ticket: 'x'.repeat(43), code: '000000' }],
      ['POST /api/auth/staff/verify', '/api/auth/staff/verify', { requestId: ZERO_ID, code: '000000' }],
      ['POST /api/auth/netid/register/verify', '/api/auth/netid/register/verify', { ticket: 'x'.repeat(43), code: '000000' }],
      ['POST /api/auth/netid/forgot-netid/verify', '/api/auth/netid/forgot-netid/verify', { ticket: 'x'.repeat(43), code: '000000' }],
      [
        'POST /api/auth/netid/forgot-password/reset',
        '/api/auth/netid/forgot-password/reset',
        { ticket: 'x'.repeat(43), code: '000000', password: 'a long and unusual passphrase 42' },
      ],
      ['POST /api/sign-in/social/link/verify', '/api/sign-in/social/link/verify', { code: '000000' }],
    ])(
      '%s: 50 tries per address (whatever the ticket or request), then 429 with Retry-After; another address still gets through',
      async (name, path, body) => {
        // An address of this case's own, so the cases do not share a counter.
        const ip = `203.0.113.${[...name].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 250, 0) + 1}`;
        const attempt = (from: string) => request(server()).post(path).set('X-Forwarded-For', from).send(body);
        const first = await Promise.all(Array.from({ length: 50 }, () => attempt(ip)));
        expect(first.map((response) => response.status).filter((status) => status === 429 || status >= 500)).toEqual([]);
        const limited = await attempt(ip);
        expect(limited.status).toBe(429);
        expect(limited.body.code).toBe('rate-limited');
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect((await attempt('198.51.100.77')).status).not.toBe(429);
      },
      60_000,
    );
    it.each([
      ['POST /api/auth/netid/forgot-netid/start', '/api/auth/netid/forgot-netid/start', {}],
      ['POST /api/auth/netid/forgot-password/start', '/api/auth/netid/forgot-password/start', { netId: 'nobody.here' }],
    ])('%s: 10 details checks per address, then 429 with Retry-After; another address still gets through', async (name, path, extra) => {
      // Someone who is not in the registry: the same answer as a wrong detail, and a try all the same.
      const details = {
        surname: 'Nobody',
        givenName: 'Here',
        dateOfBirth: '1980-01-01',
        personalId: `Z123456(${hkidCheckDigit('Z', '123456')})`,
      };
      const ip = `192.0.2.${[...name].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 250, 0) + 1}`;
      const attempt = (from: string) =>
        request(server())
          .post(path)
          .set('X-Forwarded-For', from)
          .send({ ...details, ...extra });
      const first = await Promise.all(Array.from({ length: 10 }, () => attempt(ip)));
      expect(first.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 400));
      const limited = await attempt(ip);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await attempt('198.51.100.78')).status).toBe(400);
    });
  });

  describe('hostile text', () => {
    const HOSTILE = {
      sql: "Robert'); DROP TABLE pass; --",
      html: '<img src=x onerror=alert(1)><script>alert(2)</script>',
      formula: '=HYPERLINK("https://evil.example","click")',
      emoji: '👩‍🎓 Zoë 陳',
      nul: 'a\u0000b',
      bidi: 'evil\u202Egnp.exe',
      crlf: 'Guest\r\nBcc: victim@example.com',
      isolate: 'x\u2066y\u2069',
      long: 'x'.repeat(20_000),
    } as const;

    it('guest names: plain text stored exactly; control, bidi and over-long names refused with 400 saying why; never a 500', async () => {
      const answers: Record<string, unknown> = {};
      const purpose = (await bob.agent.get('/api/guest-passes/policy').expect(200)).body.purposes[0] as string;
      for (const [index, [name, value]] of Object.entries(HOSTILE).entries()) {
        // A day each, so the per-day guest limit never answers instead.
        const date = campusDayToIsoDate(campusDayOf(Date.now()) + 1 + index);
        const response = await post(bob, '/api/guest-passes', { date, purpose, guests: [value] });
        answers[name] =
          response.status === 201
            ? { status: 201, echoed: (response.body as Array<{ guestName: string }>)[0]!.guestName === value }
            : { status: response.status, says: JSON.stringify(response.body.message ?? '').slice(0, 80) };
        if (response.status === 201) {
          const id = (response.body as Array<{ id: string }>)[0]!.id;
          expect((await bob.agent.get(`/api/guest-passes/${id}`).expect(200)).body.guestName).toBe(value);
          await post(bob, `/api/guest-passes/${id}/cancel`).expect(200);
        }
      }
      expect(answers).toEqual({
        sql: { status: 201, echoed: true },
        html: { status: 201, echoed: true },
        formula: { status: 201, echoed: true },
        emoji: { status: 201, echoed: true },
        nul: { status: 400, says: expect.stringContaining('control characters') },
        bidi: { status: 400, says: expect.stringContaining('control characters') },
        crlf: { status: 400, says: expect.stringContaining('control characters') },
        isolate: { status: 400, says: expect.stringContaining('control characters') },
        long: { status: 400, says: expect.stringContaining('1 to 100 characters') },
      });
    });

    it('a guest name with HTML reaches the guest’s email escaped, never as markup', async () => {
      const [guest] = await inviteGuests(bob, [HOSTILE.html]);
      const after = smtp.messages.length;
      await post(bob, `/api/guest-passes/${guest!.id}/share/email`, { to: 'guest.html@example.com', locale: 'en' }).expect(202);
      const mail = await smtp.waitForMessage('guest.html@example.com', 10_000, { after });
      expect(mail.html).not.toBe(false);
      expect(String(mail.html)).not.toContain('<script>');
      expect(String(mail.html)).not.toContain('<img src=x');
      expect(String(mail.html)).toContain('&lt;script&gt;');
      expect(mail.text).toContain(HOSTILE.html);
    });

    it('every path parameter and query of every GET route, for a role that may call it: hostile values get 4xx, never a 500', async () => {
      const values = [HOSTILE.sql, HOSTILE.nul, HOSTILE.bidi, HOSTILE.html, '%', '..%2F..%2Fetc%2Fpasswd', HOSTILE.long.slice(0, 4000)];
      const failures: string[] = [];
      for (const route of routes) {
        if (route.method !== 'GET' || route.sse || !Array.isArray(route.access)) continue;
        const session = sessionFor((route.access as readonly Role[])[0]!);
        for (const value of values) {
          const encoded = encodeURIComponent(value);
          const params = Object.fromEntries([...route.path.matchAll(/:(\w+)/g)].map((match) => [match[1]!, encoded]));
          const paths = [
            samplePath(route.path, params),
            `${samplePath(route.path, { size: 'card' })}?q=${encoded}&search=${encoded}&name=${encoded}&from=${encoded}&cursor=${encoded}`,
          ];
          for (const path of route.path.includes(':') ? paths : paths.slice(1)) {
            const response = await session.agent.get(path);
            if (response.status >= 500) failures.push(`${key(route)} ${JSON.stringify(value.slice(0, 20))}: ${response.status}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 60_000);

    it('every JSON body field of every state-changing route, per its OpenAPI schema: hostile strings get a 4xx or are kept as sent, never a 500', async () => {
      const document = (await request(server()).get('/api/docs/openapi.json').expect(200)).body as OpenApi;
      const failures: string[] = [];
      // These act on the caller's own session or keys; their inputs are tested by their own specs.
      const skip = new Set(['POST /api/session/sign-out', 'POST /api/session/sign-out-everywhere', 'POST /api/admin/keys/rotate']);
      for (const route of routes) {
        if (route.method === 'GET' || !Array.isArray(route.access) || skip.has(key(route))) continue;
        const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[lower(route)];
        const schema = operation?.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        const session = sessionFor((route.access as readonly Role[])[0]!);
        for (const value of [HOSTILE.sql, HOSTILE.nul, HOSTILE.bidi, HOSTILE.long.slice(0, 5000)]) {
          const body = sampleOf(schema, document, value, 0);
          const response = await send(session, lower(route) as 'post', samplePath(route.path), body as object);
          if (response.status >= 500)
            failures.push(`${key(route)} ${JSON.stringify(value.slice(0, 20))}: ${response.status} ${JSON.stringify(response.body)}`);
        }
      }
      expect(failures).toEqual([]);
      // Still alive and the data intact.
      await bob.agent.get('/api/profile').expect(200);
      expect((await query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM pass'))[0]!.n).toBeGreaterThan(0);
    }, 60_000);
  });
});

interface OpenApiSchema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  allOf?: OpenApiSchema[];
  minimum?: number;
}
interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> } }>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

/** A body of the schema's shape with `text` in every free-text string (enums, dates and emails stay plausible). */
function sampleOf(schema: OpenApiSchema, document: OpenApi, text: string, depth: number): unknown {
  if (depth > 6) return null;
  if (schema.$ref) return sampleOf(document.components.schemas[schema.$ref.split('/').pop()!]!, document, text, depth + 1);
  if (schema.allOf?.length) return sampleOf(schema.allOf[0]!, document, text, depth + 1);
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, property]) => [name, sampleOf(property, document, text, depth + 1)]),
      );
    case 'array':
      return [sampleOf(schema.items ?? { type: 'string' }, document, text, depth + 1)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'email') return `x${text.length}@example.com`;
      if (schema.format === 'uuid') return ZERO_ID;
      if (schema.format === 'date' || schema.format === 'date-time') return new Date().toISOString().slice(0, 10);
      return text;
    default:
      return text;
  }
}
