import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import request from 'supertest';
import { ecardOf, portraitJpeg, uploadPhoto, BOB } from '../../../../test/support/ecard-fixtures.js';
import { GATE_ALICE, inviteGuests } from '../../../../test/support/gate-fixtures.js';
import { post, send, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { samplePath, type DeclaredRoute } from '../../../../test/support/routes.js';
import { extractCode, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AUDITOR, STAFF_PASSWORD, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { SESSION_COOKIE } from '../identity/identity.constants.js';
import type { Role } from '../identity/roles.js';
import { key, lower, setCookie, startReviewPortal, ZERO_ID, type ReviewPortal } from '../../../../test/support/review-portal.js';

/**
 * An OWASP-style pass over the portal, for what the per-area specs do not already cover: another alumnus's ids on
 * every alumnus route (IDOR), CSRF on every state-changing route, session fixation and ending, security headers on
 * HTML, API and static answers, and hostile uploads. Rate limits and hostile text: owasp-input.integration-spec.ts.
 */
describe('OWASP-style review of the portal: access, CSRF, sessions, headers, uploads (PostgreSQL, Redis, SMTP)', () => {
  let review: ReviewPortal;
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let routes: DeclaredRoute[];
  let alice: HttpSession;
  let bob: HttpSession;
  let staff: ReviewPortal['staff'];
  let sessionFor: ReviewPortal['sessionFor'];
  const server = () => portal.app.getHttpServer();

  beforeAll(async () => {
    review = await startReviewPortal();
    ({ portal, smtp, routes, alice, bob, staff, sessionFor } = review);
  }, 120_000);

  afterAll(async () => {
    await review?.close();
  });

  describe("another alumnus's ids (IDOR)", () => {
    it("answers 404 to Bob on every alumnus route that takes an id, with Alice's ids, and changes nothing of hers", async () => {
      const [guest] = await inviteGuests(alice, ['Alice Guest']);
      const career = (
        await post(alice, '/api/profile/career', {
          employer: 'Acme',
          title: 'Engineer',
          industry: 'engineering',
          from: '2015-09',
          to: '2019-06',
          current: false,
        }).expect(201)
      ).body as { id: string; version: number };
      const education = (
        await post(alice, '/api/profile/education', { institution: 'HKU', qualification: 'MBA', fromYear: 2016, toYear: 2018 }).expect(201)
      ).body as { id: string; version: number };
      const achievement = (await post(alice, '/api/profile/achievements', { title: 'Award', year: 2020 }).expect(201)).body as {
        id: string;
        version: number;
      };
      const aliceAccount = (await ecardOf(portal, GATE_ALICE.email)).account_id;
      const mailsBefore = smtp.messages.length;
      const profileBefore = (await alice.agent.get('/api/profile').expect(200)).body;
      const guestBefore = (await alice.agent.get(`/api/guest-passes/${guest!.id}`).expect(200)).body;

      // Every alumnus route with a path parameter, and what Bob tries there. A new such route fails this test until
      // it is listed here with Alice's id.
      const attempts: Record<string, { path: string; body?: object; ok?: number[] }> = {
        'DELETE /api/account/social-links/:id': { path: `/api/account/social-links/${ZERO_ID}` },
        'GET /api/alumni/:accountId/sessions': { path: `/api/alumni/${aliceAccount}/sessions` },
        // The size is not an id: Bob gets his own photo (checked below), never Alice's.
        'GET /api/ecard/photo/:size': { path: '/api/ecard/photo/card', ok: [200] },
        'GET /api/guest-passes/:id': { path: `/api/guest-passes/${guest!.id}` },
        'POST /api/guest-passes/:id/cancel': { path: `/api/guest-passes/${guest!.id}/cancel` },
        'POST /api/guest-passes/:id/share/email': {
          path: `/api/guest-passes/${guest!.id}/share/email`,
          body: { to: 'mallory@example.com', locale: 'en' },
        },
        'PUT /api/profile/career/:id': {
          path: `/api/profile/career/${career.id}`,
          body: {
            employer: 'Evil',
            title: 'x',
            industry: 'engineering',
            from: '2015-09',
            to: '2019-06',
            current: false,
            version: career.version,
          },
        },
        'DELETE /api/profile/career/:id': { path: `/api/profile/career/${career.id}?version=${career.version}` },
        'PUT /api/profile/education/:id': {
          path: `/api/profile/education/${education.id}`,
          body: { institution: 'Evil', qualification: 'x', fromYear: 2016, toYear: 2018, version: education.version },
        },
        'DELETE /api/profile/education/:id': { path: `/api/profile/education/${education.id}?version=${education.version}` },
        'PUT /api/profile/achievements/:id': {
          path: `/api/profile/achievements/${achievement.id}`,
          body: { title: 'Evil', year: 2020, version: achievement.version },
        },
        'DELETE /api/profile/achievements/:id': { path: `/api/profile/achievements/${achievement.id}?version=${achievement.version}` },
      };
      const withIds = routes.filter((route) => Array.isArray(route.access) && route.access.includes('alumnus') && route.path.includes(':'));
      expect(withIds.map(key).sort()).toEqual(Object.keys(attempts).sort());

      const answers: string[] = [];
      for (const route of withIds) {
        const attempt = attempts[key(route)]!;
        const call = bob.agent[lower(route)](attempt.path).set('X-CSRF-Token', bob.csrf);
        const response = await (attempt.body ? call.send(attempt.body) : call);
        const allowed = attempt.ok ?? [403, 404];
        if (!allowed.includes(response.status)) answers.push(`${key(route)}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      expect(answers).toEqual([]);

      const bobsPhoto = await bob.agent.get('/api/ecard/photo/card').buffer(true).expect(200);
      const alicesPhoto = await alice.agent.get('/api/ecard/photo/card').buffer(true).expect(200);
      expect(Buffer.compare(bobsPhoto.body as Buffer, alicesPhoto.body as Buffer)).not.toBe(0);
      // Nothing of Alice's changed, no mail went out, and Bob's lists hold none of her records.
      expect((await alice.agent.get('/api/profile').expect(200)).body).toEqual(profileBefore);
      expect((await alice.agent.get(`/api/guest-passes/${guest!.id}`).expect(200)).body).toEqual(guestBefore);
      expect(smtp.messages.length).toBe(mailsBefore);
      const bobsGuests = (await bob.agent.get('/api/guest-passes').expect(200)).body as Array<{ id: string }>;
      expect(bobsGuests.map((pass) => pass.id)).not.toContain(guest!.id);
      const bobsPass = (await bob.agent.get('/api/passes/today').expect(200)).body as { passId: string };
      const alicesPass = (await alice.agent.get('/api/passes/today').expect(200)).body as { passId: string };
      expect(bobsPass.passId).not.toBe(alicesPass.passId);
    });
  });

  describe('CSRF', () => {
    it('refuses every state-changing role route without the session’s CSRF token, or with another session’s, acting on nothing', async () => {
      const unsafe = routes.filter((route) => Array.isArray(route.access) && route.method !== 'GET');
      expect(unsafe.length).toBeGreaterThan(40);
      const wrong: string[] = [];
      for (const route of unsafe) {
        const role = (route.access as readonly Role[])[0]!;
        const session = sessionFor(role);
        const other = role === 'alumnus' ? alice : bob;
        const path = samplePath(route.path);
        const cases = [
          // A cross-site HTML form: cookies ride along, no custom header is possible.
          session.agent[lower(route)](path).type('form').send('a=1'),
          // A cross-origin fetch with credentials: the header would need a CORS preflight the portal never grants.
          session.agent[lower(route)](path).set('Origin', 'https://evil.example').send({}),
          session.agent[lower(route)](path).set('X-CSRF-Token', other.csrf).send({}),
        ];
        for (const response of await Promise.all(cases)) {
          if (response.status !== 403 || response.body.code !== 'csrf-token-invalid') wrong.push(`${key(route)}: ${response.status}`);
        }
      }
      expect(wrong).toEqual([]);
      // Everyone is still signed in: the refused sign-outs did nothing.
      for (const session of [alice, bob, ...staff.values()])
        expect((await session.agent.get('/api/session').expect(200)).body.authenticated).toBe(true);
    }, 60_000);

    it('refuses form-encoded bodies on every public state-changing route (login CSRF), except the Apple form_post callback', async () => {
      const publicUnsafe = routes.filter((route) => route.access === 'public' && route.method !== 'GET');
      const accepted: string[] = [];
      for (const route of publicUnsafe) {
        for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
          const anonymous = request(server());
          const response = await anonymous[lower(route)](samplePath(route.path, { provider: 'apple' }))
            .set('Content-Type', type)
            .send('a=1');
          if (response.status !== 415 || response.body.code !== 'json-required')
            accepted.push(`${key(route)} (${type}): ${response.status}`);
        }
      }
      // Apple posts its answer as a form; the OIDC state cookie (SameSite) and state parameter guard that one.
      expect(accepted.filter((line) => !line.startsWith('POST /api/sign-in/social/:provider/callback '))).toEqual([]);
    });

    it('grants no cross-origin reads: no CORS headers for another origin, even on a preflight', async () => {
      const preflight = await request(server())
        .options('/api/profile')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', 'x-csrf-token,content-type');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const read = await bob.agent.get('/api/session').set('Origin', 'https://evil.example').expect(200);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('sessions', () => {
    async function emailSignIn(email: string, cookie?: string) {
      const agent = request.agent(server());
      const after = smtp.messages.length;
      const started = await agent.post('/api/auth/email/start').send({ email }).expect(202);
      const code = extractCode(await smtp.waitForMessage(email, 10_000, { after }));
      const call = agent.post('/api/auth/email/verify');
      if (cookie) call.set('Cookie', cookie);
      return { agent, response: await call.send({ requestId: started.body.requestId, code }).expect(200) };
    }

    it('never adopts a session id planted before sign-in; the session cookie is HttpOnly and SameSite', async () => {
      const planted = 'attacker-chosen-session-id-0123456789abcdef';
      const { response } = await emailSignIn(BOB.email, `${SESSION_COOKIE}=${planted}`);
      const cookie = setCookie(response, SESSION_COOKIE)!;
      expect(cookie.value).not.toBe(planted);
      expect(cookie.attributes).toMatch(/HttpOnly/i);
      expect(cookie.attributes).toMatch(/SameSite=(Lax|Strict)/i);
      const withPlanted = await request(server()).get('/api/profile').set('Cookie', `${SESSION_COOKIE}=${planted}`);
      expect(withPlanted.status).toBe(401);
    });

    it("ends a session the browser held (the attacker's own) when someone signs in over it, for alumni and staff alike", async () => {
      const attacker = await emailSignIn(BOB.email);
      const attackerToken = setCookie(attacker.response, SESSION_COOKIE)!.value;
      const victim = await emailSignIn(GATE_ALICE.email, `${SESSION_COOKIE}=${attackerToken}`);
      expect(setCookie(victim.response, SESSION_COOKIE)!.value).not.toBe(attackerToken);
      await request(server()).get('/api/profile').set('Cookie', `${SESSION_COOKIE}=${attackerToken}`).expect(401);

      const agent = request.agent(server());
      const plantedStaff = 'planted-staff-session-0123456789abcdef';
      const after = smtp.messages.length;
      const start = await agent.post('/api/auth/staff/start').send({ email: AUDITOR.email, password: STAFF_PASSWORD }).expect(202);
      const code = extractCode(await smtp.waitForMessage(AUDITOR.email, 10_000, { after }));
      const verified = await agent
        .post('/api/auth/staff/verify')
        .set('Cookie', `${SESSION_COOKIE}=${plantedStaff}`)
        .send({ requestId: start.body.requestId, code })
        .expect(200);
      expect(setCookie(verified, SESSION_COOKIE)!.value).not.toBe(plantedStaff);
    });

    it('sign-out ends the session on the server: the old cookie, replayed, is refused', async () => {
      const { response } = await emailSignIn(BOB.email);
      const token = setCookie(response, SESSION_COOKIE)!.value;
      const cookie = `${SESSION_COOKIE}=${token}`;
      await request(server()).get('/api/profile').set('Cookie', cookie).expect(200);
      await request(server()).post('/api/session/sign-out').set('Cookie', cookie).set('X-CSRF-Token', response.body.csrfToken).expect(204);
      const replayed = await request(server()).get('/api/profile').set('Cookie', cookie).expect(401);
      expect(replayed.body.code).toBe('session-ended');
    });

    it("a role change ends the staff member's sessions", async () => {
      const member = { email: 'rolechange@example.edu', name: 'Rolf Change', role: 'security-staff' as const };
      const session = await createStaffAndSignIn(portal, smtp, member);
      await session.agent.get('/api/security/gates').expect(200);
      const admin = staff.get('aao-admin')!;
      const list = (await admin.agent.get('/api/staff').expect(200)).body as
        Array<{ id: string; email: string }> | { items: Array<{ id: string; email: string }> };
      const items = Array.isArray(list) ? list : list.items;
      const id = items.find((item) => item.email === member.email)!.id;
      await send(admin, 'patch', `/api/staff/${id}`, { role: 'auditor' }).expect(200);
      const after = await session.agent.get('/api/security/gates');
      expect(after.status).toBe(401);
      expect((await session.agent.get('/api/session').expect(200)).body.authenticated).toBe(false);
    });
  });

  describe('security headers', () => {
    const common = (response: request.Response) => {
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toMatch(/no-referrer|strict-origin/);
      const csp = response.headers['content-security-policy'] ?? '';
      expect(csp).toMatch(/frame-ancestors ('self'|'none')/);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toMatch(/object-src 'none'/);
      expect(response.headers['x-frame-options']).toMatch(/SAMEORIGIN|DENY/);
      // Not in production: no HSTS over plain http in development and tests.
      expect(response.headers['strict-transport-security']).toBeUndefined();
    };

    it('on the web app shell, its static assets, the API and health', async () => {
      const shell = await request(server()).get('/guests/new').set('Accept', 'text/html').expect(200);
      expect(shell.text).toContain('<div id="root">');
      common(shell);
      const asset = await request(server()).get('/assets/app-1.js').expect(200);
      common(asset);
      const api = await bob.agent.get('/api/profile').expect(200);
      common(api);
      const error = await request(server()).get('/api/no-such-thing').expect(404);
      common(error);
      common(await request(server()).get('/health/live').expect(200));
    });

    it('keeps every personal API answer out of caches (no-store), for every GET route a role may call', async () => {
      const cached: string[] = [];
      const photoParams = { size: 'card' };
      for (const route of routes) {
        if (route.method !== 'GET' || route.sse || !Array.isArray(route.access)) continue;
        const session = sessionFor((route.access as readonly Role[])[0]!);
        const response = await session.agent.get(samplePath(route.path, photoParams));
        if (response.status >= 500) cached.push(`${key(route)}: ${response.status}`);
        const cacheControl = String(response.headers['cache-control'] ?? '');
        // An image of one's own may sit in the browser's private cache for minutes; nothing personal in a shared one.
        const image = /\/photo(\/:size)?$/.test(route.path);
        if (!/no-store/.test(cacheControl) && !(image && /private/.test(cacheControl)))
          cached.push(`${key(route)}: ${response.status} Cache-Control: ${cacheControl || '(none)'}`);
      }
      expect(cached).toEqual([]);
    }, 60_000);

    it('sends HSTS and secure cookies in production', async () => {
      const production = await startTestPortal({
        NODE_ENV: 'production',
        SMTP_URL: smtp.url,
        PUBLIC_URL: 'https://alumni.example.edu',
        GATE_REDIS_URL: 'redis://campuspass-gate:secret@127.0.0.1:6390',
        WEB_DIST_DIR: review.webDist,
      });
      try {
        // A browser holding an ended session: the answer clears its cookies, with the production attributes.
        const response = await request(production.app.getHttpServer())
          .get('/api/session')
          .set('Cookie', `${SESSION_COOKIE}=ended-session`)
          .expect(200);
        const maxAge = Number(/max-age=(\d+)/.exec(String(response.headers['strict-transport-security']))?.[1]);
        expect(maxAge).toBeGreaterThanOrEqual(180 * 86_400);
        expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
        const cleared = setCookie(response, SESSION_COOKIE)!;
        expect(cleared.attributes).toMatch(/;\s*Secure/i);
        expect(cleared.attributes).toMatch(/HttpOnly/i);
      } finally {
        await production.close();
      }
    }, 60_000);
  });

  describe('uploads (eCard photo)', () => {
    it('refuses SVG (with a script) and a text file, whatever the extension says', async () => {
      const svg = Buffer.from(
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><script>alert(1)</script><rect width="600" height="800"/></svg>',
      );
      for (const [content, name] of [
        [svg, 'me.png'],
        [svg, 'me.svg'],
        [Buffer.from('<html><script>alert(1)</script></html>'), 'me.jpg'],
      ] as const) {
        const response = await uploadPhoto(bob, content, name);
        expect({ name, status: response.status }).toEqual({ name, status: 400 });
        expect(response.body.code).toMatch(/^photo-(not-an-image|unsupported-type)$/);
      }
    });

    it('re-encodes a polyglot (JPEG with HTML and a ZIP appended): the stored photo carries none of it and is served as image/jpeg', async () => {
      const payload = Buffer.concat([
        Buffer.from('<html><script>alert(document.cookie)</script></html>'),
        Buffer.from('PK\u0003\u0004evil.js', 'latin1'),
      ]);
      const polyglot = Buffer.concat([
        await portraitJpeg(7, { exif: { IFD0: { ImageDescription: '<script>alert(2)</script>' } } }),
        payload,
      ]);
      await uploadPhoto(bob, polyglot, 'me.jpg').expect(201);
      const served = await bob.agent.get('/api/ecard/photo/card').buffer(true).expect(200);
      expect(served.headers['content-type']).toBe('image/jpeg');
      expect(served.headers['x-content-type-options']).toBe('nosniff');
      const bytes = served.body as Buffer;
      expect(bytes.includes(Buffer.from('<script'))).toBe(false);
      expect(bytes.includes(Buffer.from('PK\u0003\u0004', 'latin1'))).toBe(false);
      expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    });
  });
});
