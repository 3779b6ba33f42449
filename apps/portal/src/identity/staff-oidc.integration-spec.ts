import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestOidcProvider, type TestOidcProvider } from '../../../../test/support/oidc-provider.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { StaffService } from '../admin/staff.service.js';

const PUBLIC_URL = 'http://portal.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/auth/staff/oidc/callback`;

describe("Staff sign-in through the university's OIDC identity provider (PostgreSQL, oidc-provider)", () => {
  let provider: TestOidcProvider;
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const staffIds: Record<string, string> = {};
  const server = () => portal.app.getHttpServer();

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    provider = await startTestOidcProvider({ redirectUri: REDIRECT_URI });
    portal = await startTestPortal({
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      STAFF_OIDC_ISSUER: provider.issuer,
      STAFF_OIDC_CLIENT_ID: provider.clientId,
      STAFF_OIDC_CLIENT_SECRET: provider.clientSecret,
    });
    const staff = portal.app.get(StaffService);
    for (const [email, role] of [
      ['ada@example.edu', 'aao-admin'],
      ['gus@example.edu', 'security-staff'],
      ['former@example.edu', 'auditor'],
    ] as const) {
      staffIds[email] = (await staff.create({ email, name: email.split('@')[0], role })).account.id;
    }
    await portal.app.get(DataSource).query(`UPDATE staff_account SET active = false WHERE email = 'former@example.edu'`);
    provider.addAccount('idp-ada', { email: 'Ada@Example.edu', emailVerified: true });
    provider.addAccount('idp-gus', { email: 'gus@example.edu', emailVerified: false });
    provider.addAccount('idp-stranger', { email: 'stranger@example.edu', emailVerified: true });
    provider.addAccount('idp-former', { email: 'former@example.edu', emailVerified: true });
  });

  afterAll(async () => {
    await portal?.close();
    await provider?.close();
    await smtp?.close();
  });

  /** Starts at the portal, signs in at the provider as `subject`, and returns the way back (not yet followed). */
  async function throughProvider(subject: string) {
    const agent = request.agent(server());
    const start = await agent.get('/api/auth/staff/oidc/start').expect(302);
    const location = start.headers.location as string;
    expect(location.startsWith(provider.issuer)).toBe(true);
    provider.signInNextAs(subject);
    const back = await provider.authorize(location);
    return { agent, start, back };
  }

  function cookieLine(response: request.Response, name: string): string | undefined {
    return ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((line) => line.startsWith(`${name}=`));
  }

  async function failuresWith(reason: string) {
    const events = await portal.app.get(AuditService).list({ action: 'staff.sign-in' });
    return events.filter((event) => event.outcome === 'failure' && event.details.method === 'oidc' && event.details.reason === reason);
  }

  it('tells the web app which methods are on: OIDC, and not the password (off by default with OIDC)', async () => {
    const methods = await request(server()).get('/api/auth/staff/methods').expect(200);
    expect(methods.body).toEqual({ password: false, oidc: true, oidcStartUrl: '/api/auth/staff/oidc/start' });
    const refused = await request(server())
      .post('/api/auth/staff/start')
      .send({ email: 'ada@example.edu', password: 'whatever password' })
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'staff-sign-in-method-off', message: expect.stringContaining('university account') });
  });

  it('signs an existing staff member in by verified email, with PKCE, state and nonce, and audits it', async () => {
    const { agent, start, back } = await throughProvider('idp-ada');
    const authorization = new URL(start.headers.location as string);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: provider.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email',
      code_challenge_method: 'S256',
      state: expect.any(String),
      nonce: expect.any(String),
      code_challenge: expect.any(String),
    });
    expect(start.headers['cache-control']).toBe('no-store');
    const stateCookie = cookieLine(start, 'cp_oidc')!;
    expect(stateCookie).toMatch(/HttpOnly/i);
    expect(stateCookie).toMatch(/Path=\/api\/auth\/staff\/oidc/);
    expect(stateCookie).toMatch(/SameSite=Lax/i);
    expect(back.origin + back.pathname).toBe(REDIRECT_URI);

    const callback = await agent.get(`/api/auth/staff/oidc/callback${back.search}`).expect(302);
    expect(callback.headers.location).toBe('/');
    expect(cookieLine(callback, 'cp_oidc')).toMatch(/^cp_oidc=;.*Expires=Thu, 01 Jan 1970/);
    expect(cookieLine(callback, 'cp_session')).toMatch(/HttpOnly/i);
    const me = await agent.get('/api/staff/me').expect(200);
    expect(me.body).toMatchObject({ id: staffIds['ada@example.edu'], email: 'ada@example.edu', role: 'aao-admin' });
    const session = await agent.get('/api/session').expect(200);
    expect(session.body).toMatchObject({ authenticated: true, subject: { type: 'staff', roles: ['aao-admin'] } });

    const success = (await portal.app.get(AuditService).list({ actorId: staffIds['ada@example.edu'], action: 'staff.sign-in' })).find(
      (event) => event.outcome === 'success',
    );
    // (The audit log writes URLs normalised, so the issuer there may end in a slash.)
    expect(success?.details).toMatchObject({ method: 'oidc', issuer: expect.stringContaining(provider.issuer) });
    const links = (await portal.app.get(DataSource).query(`SELECT issuer, subject, staff_id FROM staff_identity_link`)) as unknown[];
    expect(links).toEqual([{ issuer: provider.issuer, subject: 'idp-ada', staff_id: staffIds['ada@example.edu'] }]);

    // The state is single use: the same answer again is refused.
    const replay = await agent.get(`/api/auth/staff/oidc/callback${back.search}`).expect(302);
    expect(replay.headers.location).toBe('/staff/sign-in?error=oidc-state-invalid');
  });

  it('finds the account by its (issuer, subject) link once made, whatever the email says later', async () => {
    provider.addAccount('idp-ada', { email: 'ada.lovelace@new.example.edu', emailVerified: false });
    try {
      const { agent, back } = await throughProvider('idp-ada');
      await agent.get(`/api/auth/staff/oidc/callback${back.search}`).expect(302, /Found. Redirecting to \/$/);
      await agent.get('/api/staff/me').expect(200);
    } finally {
      provider.addAccount('idp-ada', { email: 'Ada@Example.edu', emailVerified: true });
    }
  });

  it('refuses an email with no staff account, and an inactive account: no account is ever created', async () => {
    for (const [subject, email] of [
      ['idp-stranger', 'stranger@example.edu'],
      ['idp-former', 'former@example.edu'],
    ]) {
      const { agent, back } = await throughProvider(subject);
      const callback = await agent.get(`/api/auth/staff/oidc/callback${back.search}`).expect(302);
      expect(callback.headers.location).toBe('/staff/sign-in?error=staff-account-not-found');
      expect(cookieLine(callback, 'cp_session')).toBeUndefined();
      await agent.get('/api/staff/me').expect(401);
      const rows = (await portal.app.get(DataSource).query(`SELECT count(*)::int AS n FROM staff_account WHERE email = $1`, [email])) as {
        n: number;
      }[];
      expect(rows[0].n).toBe(email === 'former@example.edu' ? 1 : 0);
    }
    expect((await failuresWith('staff-account-not-found')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an email the provider has not verified', async () => {
    const { agent, back } = await throughProvider('idp-gus');
    const callback = await agent.get(`/api/auth/staff/oidc/callback${back.search}`).expect(302);
    expect(callback.headers.location).toBe('/staff/sign-in?error=oidc-email-unverified');
    await agent.get('/api/staff/me').expect(401);
    expect(await failuresWith('oidc-email-unverified')).not.toHaveLength(0);
  });

  it('refuses a state that does not match, and an answer brought to another browser', async () => {
    const { agent, back } = await throughProvider('idp-ada');
    const tampered = new URL(back);
    tampered.searchParams.set('state', 'not-the-state');
    const mismatch = await agent.get(`/api/auth/staff/oidc/callback${tampered.search}`).expect(302);
    expect(mismatch.headers.location).toBe('/staff/sign-in?error=oidc-state-invalid');
    await agent.get('/api/staff/me').expect(401);

    // The right answer, but in a browser that did not start this sign-in (no cp_oidc cookie): login CSRF.
    const second = await throughProvider('idp-ada');
    const elsewhere = await request(server()).get(`/api/auth/staff/oidc/callback${second.back.search}`).expect(302);
    expect(elsewhere.headers.location).toBe('/staff/sign-in?error=oidc-state-invalid');
    expect(await failuresWith('oidc-state-invalid')).not.toHaveLength(0);
  });
});
