import type { HandheldVerdict, LiveEntry } from '@campuspass/contracts';
import { cookieHeader, openEventStream, type EventStreamClient } from '../../../../test/support/event-stream.js';
import { startPortalWithActiveAlumnus, type GatePortal } from '../../../../test/support/gate-fixtures.js';
import { post, type HttpSession } from '../../../../test/support/http-sessions.js';
import { createStaffAndSignIn, SECURITY_GUARD } from '../../../../test/support/staff-fixtures.js';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.js';
import { requiredTestEnv, TEST_ENV } from '../../../../test/support/test-services.js';
import { waitFor } from '../../../../test/support/wait.js';
import { SecurityFeed } from './security-feed.js';

describe('Security feed without Redis, and the handheld rate limit', () => {
  let proxy: TcpProxy;
  let gatePortal: GatePortal;
  let guard: HttpSession;
  let feed: EventStreamClient | undefined;
  let qrText: string;

  const check = async () => (await post(guard, '/api/security/handheld/check', { qr: qrText }).expect(200)).body as HandheldVerdict;
  const onFeed = (eventId: string) =>
    feed!.events.some((event) => event.event === 'entry' && (event.data as LiveEntry).eventId === eventId);

  beforeAll(async () => {
    const redis = new URL(requiredTestEnv(TEST_ENV.redisUrl));
    proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    // A handheld limit the rate-limit test below reaches quickly.
    gatePortal = await startPortalWithActiveAlumnus({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      SECURITY_HANDHELD_CHECKS_PER_MINUTE: '40',
    });
    guard = await createStaffAndSignIn(gatePortal.portal, gatePortal.smtp, SECURITY_GUARD);
    qrText = ((await gatePortal.alice.agent.get('/api/passes/today').expect(200)).body as { qrText: string }).qrText;
  }, 120_000);

  let closed = false;

  afterAll(async () => {
    feed?.close();
    if (!closed) await gatePortal?.close();
    await proxy?.close();
  });

  it('keeps the stream open while Redis is down, says nothing new, and resumes by itself when Redis is back', async () => {
    const port = (gatePortal.portal.app.getHttpServer().address() as { port: number }).port;
    feed = await openEventStream(`http://127.0.0.1:${port}/api/security/feed`, { cookie: cookieHeader(guard) });
    await gatePortal.portal.app.get(SecurityFeed).subscribed(AbortSignal.timeout(10_000));
    const before = await check();
    await feed.next(
      'the entry before the outage',
      (event) => event.event === 'entry' && (event.data as LiveEntry).eventId === before.eventId,
    );

    await proxy.cut();
    // Checks still answer (PostgreSQL only; Alice was admitted moments ago, so a re-entry denial); the entry is
    // stored, but cannot be published.
    const during = await check();
    expect(during).toMatchObject({ decision: 'denied', reason: 're-entry-window' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(onFeed(during.eventId)).toBe(false);
    expect(feed.ended).toBe(false);

    await proxy.restore();
    // The subscriber reconnects with backoff (at most 5 s) and subscribes again; no restart, same stream.
    await waitFor(
      'a check after Redis is back reaching the feed',
      async () => {
        const verdict = await check();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return onFeed(verdict.eventId);
      },
      (arrived) => arrived,
      30_000,
    );
    expect(feed.ended).toBe(false);
    const found = (await guard.agent.get('/api/security/entries').query({ q: 'chan tai' }).expect(200)).body.entries as LiveEntry[];
    expect(found.some((entry) => entry.eventId === during.eventId)).toBe(true);
  }, 90_000);

  it('limits handheld checks per staff member (429 with Retry-After)', async () => {
    // A colleague of their own: the outage test's checks count for the first guard.
    const second = await createStaffAndSignIn(gatePortal.portal, gatePortal.smtp, {
      email: 'guard2@example.edu',
      name: 'Gia Guard',
      role: 'security-staff',
    });
    let refused: { status: number; headers: Record<string, string>; body: { code?: string } } | undefined;
    // Fixed one-minute windows: within 81 checks the limit of 40 is passed even if a window ends in between.
    for (let attempt = 0; attempt < 81 && !refused; attempt++) {
      const answer = await post(second, '/api/security/handheld/check', { qr: qrText });
      if (answer.status === 429) refused = answer as never;
      else expect(answer.status).toBe(200);
    }
    expect(refused).toBeDefined();
    expect(refused!.body.code).toBe('rate-limited');
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('ends open streams when the portal shuts down, so shutting down does not wait for the browsers', async () => {
    expect(feed!.ended).toBe(false);
    closed = true;
    await gatePortal.close();
    await waitFor(
      'the stream ended',
      () => feed!.ended,
      (ended) => ended,
      5000,
    );
  });
});
