import { jest } from '@jest/globals';
import { Readable } from 'node:stream';
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { DataSource } from 'typeorm';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, recipients, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { startSocialTestProvider, type SocialTestProvider } from '../../../../test/support/social-providers.js';
import { startTestWechatServer, type TestWechatServer, type WechatTestUser } from '../../../../test/support/wechat-server.js';
import { AuditService } from '../admin/audit.service.js';
import { RegistryService } from '../alumni/registry.service.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';

const PUBLIC_URL = 'http://portal.test';
const CSV = [
  'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,email',
  '20000001A,Chan,Tai Man,1990-05-17,BSc Computing,BSc,PolyU,2012,',
  '20000002B,Wong,Siu Ming,1988-01-02,BA Design,BA,PolyU,2010,',
].join('\n');
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

type OidcName = 'google' | 'microsoft' | 'apple';

describe('Alumni social sign-in: Google, Microsoft, Apple (oidc-provider) and WeChat (PostgreSQL, SMTP)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let wechat: TestWechatServer;
  const providers = {} as Record<OidcName, SocialTestProvider>;
  const accounts: Record<string, string> = {};
  let offsetMs = 0;
  const server = () => portal.app.getHttpServer();
  const db = () => portal.app.get(DataSource);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    for (const name of ['google', 'microsoft', 'apple'] as const) providers[name] = await startSocialTestProvider(PUBLIC_URL, name);
    wechat = await startTestWechatServer({ redirectUri: `${PUBLIC_URL}/api/sign-in/social/wechat/callback` });
    const env: NodeJS.ProcessEnv = { SMTP_URL: smtp.url, PUBLIC_URL };
    for (const name of ['google', 'microsoft', 'apple'] as const) {
      const upper = name.toUpperCase();
      env[`SOCIAL_${upper}_ISSUER`] = providers[name].issuer;
      env[`SOCIAL_${upper}_CLIENT_ID`] = providers[name].clientId;
      env[`SOCIAL_${upper}_CLIENT_SECRET`] = providers[name].clientSecret;
    }
    Object.assign(env, {
      SOCIAL_WECHAT_APP_ID: wechat.appId,
      SOCIAL_WECHAT_APP_SECRET: wechat.appSecret,
      SOCIAL_WECHAT_OPEN_URL: wechat.url,
      SOCIAL_WECHAT_API_URL: wechat.url,
    });
    portal = await startTestPortal(env, { workers: true });
    jest.spyOn(portal.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
    const registry = portal.app.get(RegistryService);
    await registry.importCsv(Readable.from([CSV]));
    const chan = await registry.findGraduateByIdentity({ surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-05-17' });
    const wong = await registry.findGraduateByIdentity({ surname: 'Wong', givenName: 'Siu Ming', dateOfBirth: '1988-01-02' });
    const repository = portal.app.get(AlumniAccountRepository);
    accounts[ALICE] = (await repository.create(chan!.id, ALICE, 'en', new Date())).id;
    accounts[BOB] = (await repository.create(wong!.id, BOB, 'en', new Date())).id;

    providers.google.addAccount('g-alice', { email: 'Alice@Example.com', emailVerified: true });
    providers.google.addAccount('g-shared', { email: 'shared@gmail.example', emailVerified: true });
    // This Microsoft tenant does not vouch for its emails: the one shown is bob's registered email, never trusted.
    providers.microsoft.addAccount('ms-bob', { email: BOB, emailVerified: false });
    providers.apple.addAccount('apple-alice', { email: 'x7q2k9@privaterelay.appleid.com', emailVerified: true });
  });

  afterAll(async () => {
    await portal?.close();
    for (const provider of Object.values(providers)) await provider.close();
    await wechat?.close();
    await smtp?.close();
  });

  // Fresh rate-limit windows for every test (fixed windows start on the hour).
  beforeEach(() => (offsetMs += 24 * 60 * 60_000 + 60 * 60_000 - ((Date.now() + offsetMs) % (60 * 60_000)) + 1000));

  const newBrowser = () => request.agent(server()).set('User-Agent', 'social-test');

  function cookieLine(response: request.Response, name: string): string | undefined {
    return ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((line) => line.startsWith(`${name}=`));
  }

  /** From the portal's start to the provider and back to the portal's callback; returns the callback's answer. */
  async function viaProvider(
    agent: TestAgent,
    provider: OidcName,
    subject: string,
    options: { appleUser?: unknown; withoutStateCookie?: boolean } = {},
  ) {
    const start = await agent.get(`/api/sign-in/social/${provider}/start`).expect(302);
    providers[provider].signInNextAs(subject);
    const answer = await providers[provider].answer(start.headers.location as string);
    const caller = options.withoutStateCookie ? request(server()) : agent;
    const path = answer.url.pathname + answer.url.search;
    const callback =
      answer.method === 'GET'
        ? await caller.get(path)
        : await caller
            .post(path)
            .type('form')
            .send({ ...answer.form, ...(options.appleUser ? { user: JSON.stringify(options.appleUser) } : {}) });
    return { start, answer, callback };
  }

  async function viaWechat(agent: TestAgent, user: WechatTestUser) {
    const start = await agent.get('/api/sign-in/social/wechat/start').expect(302);
    wechat.scanNextAs(user);
    const qr = await fetch(start.headers.location as string, { redirect: 'manual' });
    expect(qr.status).toBe(302);
    const back = new URL(qr.headers.get('location')!);
    const callback = await agent.get(back.pathname + back.search);
    return { start, back, callback };
  }

  /** A mail with a code to this address (a notice of an earlier link may still be on its way). */
  const codeMailTo = (to: string) => (mail: Parameters<typeof recipients>[0]) =>
    recipients(mail).includes(to) && /\b\d{6}\b/.test(mail.text ?? '');

  /** The link page's steps: the registered email, then the code mailed there. */
  async function confirmWithCode(agent: TestAgent, email: string) {
    const after = smtp.messages.length;
    const started = await agent.post('/api/sign-in/social/link/start').send({ email }).expect(202);
    expect(started.body.message).toMatch(/If this email is registered/);
    const code = extractCode(await smtp.waitForMessage(codeMailTo(email), 10_000, { after }));
    return agent.post('/api/sign-in/social/link/verify').send({ code });
  }

  async function links() {
    return (await db().query(
      `SELECT provider, issuer, subject, account_id, email_seen, display_name FROM social_identity_link ORDER BY created_at`,
    )) as {
      provider: string;
      issuer: string;
      subject: string;
      account_id: string;
      email_seen: string | null;
      display_name: string | null;
    }[];
  }

  it('lists the configured providers, in a fixed order, with where to start', async () => {
    const response = await request(server()).get('/api/sign-in/social/providers').expect(200);
    expect(response.body.providers).toEqual([
      { id: 'google', name: 'Google', startUrl: '/api/sign-in/social/google/start' },
      { id: 'microsoft', name: 'Microsoft', startUrl: '/api/sign-in/social/microsoft/start' },
      { id: 'apple', name: 'Apple', startUrl: '/api/sign-in/social/apple/start' },
      { id: 'wechat', name: 'WeChat', startUrl: '/api/sign-in/social/wechat/start' },
    ]);
    const unknown = await request(server()).get('/api/sign-in/social/facebook/start').expect(404);
    expect(unknown.body).toMatchObject({
      code: 'social-provider-unknown',
      message: expect.stringContaining('"facebook" is not available'),
    });
  });

  it('links a Google account only after the code sent to the registered email (refused without it and with a wrong one); later sign-ins go straight in', async () => {
    const agent = newBrowser();
    const { start, callback } = await viaProvider(agent, 'google', 'g-alice');
    const authorization = new URL(start.headers.location as string);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: providers.google.clientId,
      redirect_uri: `${PUBLIC_URL}/api/sign-in/social/google/callback`,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      state: expect.any(String),
      nonce: expect.any(String),
      code_challenge: expect.any(String),
    });
    expect(cookieLine(start, 'cp_social')).toMatch(/HttpOnly/i);
    // A verified email that is registered still does not sign in by itself: the link page asks for the email.
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/sign-in?socialLink=1');
    expect(cookieLine(callback, 'cp_social_link')).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i);
    expect(cookieLine(callback, 'cp_session')).toBeUndefined();
    expect((await agent.get('/api/session').expect(200)).body).toEqual({ authenticated: false });

    const pending = await agent.get('/api/sign-in/social/link').expect(200);
    expect(pending.body).toMatchObject({
      provider: 'google',
      providerName: 'Google',
      emailSeen: 'Alice@Example.com',
      suggestedEmail: 'Alice@Example.com',
      codeSent: false,
    });

    // Without the code: no link.
    const early = await agent.post('/api/sign-in/social/link/verify').send({ code: '123456' }).expect(400);
    expect(early.body.code).toBe('request-unknown');
    const after = smtp.messages.length;
    await agent.post('/api/sign-in/social/link/start').send({ email: ALICE }).expect(202);
    const codeMail = await smtp.waitForMessage(codeMailTo(ALICE), 10_000, { after });
    // A linking code says what it links, and is not an ordinary sign-in code.
    expect(codeMail.subject).toBe('Your code to link Google to the Alumni Portal');
    expect(codeMail.text).toContain('link your Google account');
    expect(codeMail.text).toContain('If you did not ask to link this account, do not share the code');
    const code = extractCode(codeMail);
    const wrong = await agent
      .post('/api/sign-in/social/link/verify')
      .send({ code: code === '000000' ? '111111' : '000000' })
      .expect(400);
    expect(wrong.body).toMatchObject({ code: 'code-wrong', message: expect.stringContaining('tries left') });
    expect(await links()).toEqual([]);
    await agent.get('/api/account/social-links').expect(401);

    expect(smtp.messages.slice(after).filter((mail) => /was linked/.test(mail.subject ?? ''))).toEqual([]);
    const verified = await agent.post('/api/sign-in/social/link/verify').send({ code }).expect(200);
    expect(verified.body).toMatchObject({ authenticated: true, subject: { type: 'alumnus', id: accounts[ALICE], roles: ['alumnus'] } });
    // The account's email hears of the new link.
    const notice = await smtp.waitForMessage(
      (mail) => recipients(mail).includes(ALICE) && mail.subject === 'A Google account was linked to your Alumni Portal account',
      10_000,
      { after },
    );
    expect(notice.text).toContain('New account linked');
    expect(cookieLine(verified, 'cp_social_link')).toMatch(/^cp_social_link=;/);
    expect(await links()).toEqual([
      {
        provider: 'google',
        issuer: providers.google.issuer,
        subject: 'g-alice',
        account_id: accounts[ALICE],
        email_seen: 'Alice@Example.com',
        display_name: null,
      },
    ]);
    // The pending link is used up.
    await agent
      .post('/api/sign-in/social/link/verify')
      .send({ code })
      .expect(400, /social-link-pending-missing/);

    // Later: straight in, with a new session id.
    const firstToken = /cp_session=([^;]+)/.exec(cookieLine(verified, 'cp_session')!)![1];
    const again = await viaProvider(agent, 'google', 'g-alice');
    expect(again.callback.status).toBe(302);
    expect(again.callback.headers.location).toBe('/');
    const secondToken = /cp_session=([^;]+)/.exec(cookieLine(again.callback, 'cp_session')!)![1];
    expect(secondToken).not.toBe(firstToken);
    expect((await agent.get('/api/session').expect(200)).body).toMatchObject({ authenticated: true, subject: { id: accounts[ALICE] } });
    const events = await portal.app.get(AuditService).list({ actorId: accounts[ALICE] });
    expect(events.map((event) => [event.action, event.outcome])).toEqual(
      expect.arrayContaining([
        ['alumnus.social-link', 'failure'],
        ['alumnus.social-link', 'success'],
        ['alumnus.sign-in', 'success'],
      ]),
    );
    expect(events.find((event) => event.action === 'alumnus.sign-in' && event.outcome === 'success')?.details).toMatchObject({
      method: 'social',
      provider: 'google',
    });
  });

  it('never says whether the entered email is registered, and sends no code for an unknown one', async () => {
    const agent = newBrowser();
    const { callback } = await viaProvider(agent, 'google', 'g-shared');
    expect(callback.headers.location).toBe('/sign-in?socialLink=1');
    const after = smtp.messages.length;
    const registered = await agent.post('/api/sign-in/social/link/start').send({ email: BOB }).expect(202);
    const unknown = await agent.post('/api/sign-in/social/link/start').send({ email: 'nobody@example.com' }).expect(202);
    expect(unknown.body).toEqual(registered.body);
    await smtp.waitForMessage(BOB, 10_000, { after });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.slice(after).some((mail) => JSON.stringify(mail.to).includes('nobody@example.com'))).toBe(false);
    // The last email entered is the one whose code counts: no code exists for the unknown one.
    await agent
      .post('/api/sign-in/social/link/verify')
      .send({ code: '123456' })
      .expect(400, /code-wrong/);
    await agent.post('/api/sign-in/social/link/cancel').set('Content-Type', 'application/json').expect(204);
    await agent.get('/api/sign-in/social/link').expect(400, /social-link-pending-missing/);
  });

  it('does not let a second account take over a link', async () => {
    // Two browsers come back from Google with the same Google account before either has linked it.
    const first = newBrowser();
    const second = newBrowser();
    expect((await viaProvider(first, 'google', 'g-shared')).callback.headers.location).toBe('/sign-in?socialLink=1');
    expect((await viaProvider(second, 'google', 'g-shared')).callback.headers.location).toBe('/sign-in?socialLink=1');
    await confirmWithCode(first, BOB).then((response) => expect(response.status).toBe(200));
    const stolen = await confirmWithCode(second, ALICE);
    expect(stolen.status).toBe(409);
    expect(stolen.body).toMatchObject({ code: 'social-link-taken', message: expect.stringContaining('already linked to another') });
    expect((await second.get('/api/session')).body).toEqual({ authenticated: false });
    const shared = (await links()).filter((link) => link.subject === 'g-shared');
    expect(shared).toEqual([expect.objectContaining({ account_id: accounts[BOB] })]);
  });

  it('shows but never trusts an email the provider reports as unverified (Microsoft, email_verified false)', async () => {
    const agent = newBrowser();
    const { callback } = await viaProvider(agent, 'microsoft', 'ms-bob');
    expect(callback.headers.location).toBe('/sign-in?socialLink=1');
    const pending = await agent.get('/api/sign-in/social/link').expect(200);
    expect(pending.body).toMatchObject({ provider: 'microsoft', emailSeen: BOB, suggestedEmail: null });
    expect((await confirmWithCode(agent, BOB)).status).toBe(200);
    expect((await links()).find((link) => link.subject === 'ms-bob')).toMatchObject({ provider: 'microsoft', account_id: accounts[BOB] });
  });

  it("handles Apple's form_post answer, keeps the name Apple sends once, and never matches its private-relay email", async () => {
    const agent = newBrowser();
    const first = await viaProvider(agent, 'apple', 'apple-alice', {
      appleUser: { name: { firstName: 'Tai Man', lastName: 'Chan' }, email: 'x7q2k9@privaterelay.appleid.com' },
    });
    const authorization = new URL(first.start.headers.location as string);
    expect(authorization.searchParams.get('response_mode')).toBe('form_post');
    expect(authorization.searchParams.get('scope')).toBe('openid name email');
    expect(first.answer.method).toBe('POST');
    expect(first.callback.status).toBe(302);
    expect(first.callback.headers.location).toBe('/sign-in?socialLink=1');
    const pending = await agent.get('/api/sign-in/social/link').expect(200);
    // A verified relay address is shown, but it is no registered email and is not offered as one.
    expect(pending.body).toMatchObject({ provider: 'apple', emailSeen: 'x7q2k9@privaterelay.appleid.com', suggestedEmail: null });
    expect((await confirmWithCode(agent, ALICE)).status).toBe(200);
    expect((await links()).find((link) => link.provider === 'apple')).toEqual({
      provider: 'apple',
      issuer: providers.apple.issuer,
      subject: 'apple-alice',
      account_id: accounts[ALICE],
      email_seen: 'x7q2k9@privaterelay.appleid.com',
      display_name: 'Tai Man Chan',
    });

    // Apple sends no name the next time: straight in, and the name stays.
    const later = newBrowser();
    const again = await viaProvider(later, 'apple', 'apple-alice');
    expect(again.callback.headers.location).toBe('/');
    const listed = await later.get('/api/account/social-links').expect(200);
    expect(listed.body.links).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'apple', providerName: 'Apple', displayName: 'Tai Man Chan' })]),
    );

    // The posted answer must still come from the browser that started the sign-in (its cp_social cookie).
    const elsewhere = await viaProvider(newBrowser(), 'apple', 'apple-alice', { withoutStateCookie: true });
    expect(elsewhere.callback.headers.location).toBe('/sign-in?socialError=oidc-state-invalid');
    expect(cookieLine(elsewhere.callback, 'cp_session')).toBeUndefined();
  });

  it('refuses a replayed state, and an answer brought to a browser that did not start the sign-in', async () => {
    const agent = newBrowser();
    const { answer, callback } = await viaProvider(agent, 'google', 'g-alice');
    expect(callback.headers.location).toBe('/');
    const replay = await agent.get(answer.url.pathname + answer.url.search).expect(302);
    expect(replay.headers.location).toBe('/sign-in?socialError=oidc-state-invalid');
    const next = await viaProvider(newBrowser(), 'google', 'g-alice', { withoutStateCookie: true });
    expect(next.callback.headers.location).toBe('/sign-in?socialError=oidc-state-invalid');
  });

  it('signs in with WeChat (snsapi_login), keyed by unionid where present, else by openid', async () => {
    const agent = newBrowser();
    const first = await viaWechat(agent, { openid: 'o-app-123', unionid: 'u-person-9', nickname: '大文' });
    const qrconnect = new URL(first.start.headers.location as string);
    expect(qrconnect.origin + qrconnect.pathname).toBe(`${wechat.url}/connect/qrconnect`);
    expect(qrconnect.hash).toBe('#wechat_redirect');
    expect(Object.fromEntries(qrconnect.searchParams)).toEqual({
      appid: wechat.appId,
      redirect_uri: `${PUBLIC_URL}/api/sign-in/social/wechat/callback`,
      response_type: 'code',
      scope: 'snsapi_login',
      state: expect.any(String),
    });
    expect(first.callback.headers.location).toBe('/sign-in?socialLink=1');
    const pending = await agent.get('/api/sign-in/social/link').expect(200);
    expect(pending.body).toMatchObject({ provider: 'wechat', providerName: 'WeChat', emailSeen: null, suggestedEmail: null });
    expect((await confirmWithCode(agent, BOB)).status).toBe(200);
    expect((await links()).find((link) => link.provider === 'wechat')).toMatchObject({
      issuer: 'https://open.weixin.qq.com/unionid',
      subject: 'u-person-9',
      account_id: accounts[BOB],
      display_name: '大文',
    });
    const tokenCall = wechat.requests.find((call) => call.path === '/sns/oauth2/access_token');
    expect(tokenCall?.query).toMatchObject({ appid: wechat.appId, secret: wechat.appSecret, grant_type: 'authorization_code' });

    // The same person through another app of the same WeChat Open Platform account: another openid, same unionid.
    const again = await viaWechat(newBrowser(), { openid: 'o-other-app', unionid: 'u-person-9', nickname: '大文' });
    expect(again.callback.headers.location).toBe('/');

    // No unionid: keyed by the openid under this app id.
    const plain = newBrowser();
    expect((await viaWechat(plain, { openid: 'o-no-union', nickname: 'Siu Ming' })).callback.headers.location).toBe(
      '/sign-in?socialLink=1',
    );
    expect((await confirmWithCode(plain, BOB)).status).toBe(200);
    expect((await links()).find((link) => link.subject === 'o-no-union')).toMatchObject({
      issuer: `https://open.weixin.qq.com/openid/${wechat.appId}`,
    });
  });

  it("turns WeChat's errcode answers (HTTP 200) into a clear refusal: a bad code, an expired token", async () => {
    // A code WeChat never issued (or one already used): errcode 40029.
    const agent = newBrowser();
    const start = await agent.get('/api/sign-in/social/wechat/start').expect(302);
    const state = new URL(start.headers.location as string).searchParams.get('state')!;
    const bad = await agent.get(`/api/sign-in/social/wechat/callback?code=not-a-code&state=${encodeURIComponent(state)}`).expect(302);
    expect(bad.headers.location).toBe('/sign-in?socialError=wechat-refused');

    wechat.expireTokens(true);
    try {
      const expired = await viaWechat(newBrowser(), { openid: 'o-app-123', unionid: 'u-person-9', nickname: '大文' });
      expect(expired.callback.headers.location).toBe('/sign-in?socialError=wechat-refused');
    } finally {
      wechat.expireTokens(false);
    }
    const failures = (await portal.app.get(AuditService).list({ action: 'alumnus.sign-in' })).filter(
      (event) => event.outcome === 'failure' && event.details.provider === 'wechat',
    );
    expect(failures.map((event) => event.details.reason)).toEqual(['wechat-refused', 'wechat-refused']);
  });

  it('lists the linked accounts on the profile and removes one (own links only, with the CSRF token)', async () => {
    const agent = newBrowser();
    const signedIn = await viaProvider(agent, 'microsoft', 'ms-bob');
    expect(signedIn.callback.headers.location).toBe('/');
    const csrf = /cp_csrf=([^;]+)/.exec(cookieLine(signedIn.callback, 'cp_csrf')!)![1];
    const listed = await agent.get('/api/account/social-links').expect(200);
    expect(listed.body.links.map((link: { provider: string }) => link.provider).sort()).toEqual([
      'google',
      'microsoft',
      'wechat',
      'wechat',
    ]);
    const microsoft = listed.body.links.find((link: { provider: string }) => link.provider === 'microsoft');
    expect(microsoft).toMatchObject({ providerName: 'Microsoft', emailSeen: BOB, linkedAt: expect.any(String) });

    await agent.delete(`/api/account/social-links/${microsoft.id}`).expect(403, /csrf-token-invalid/);
    // Alice's Google link is not Bob's to remove.
    const [aliceLink] = (await db().query(`SELECT id FROM social_identity_link WHERE account_id = $1 AND provider = 'google'`, [
      accounts[ALICE],
    ])) as { id: string }[];
    await agent
      .delete(`/api/account/social-links/${aliceLink.id}`)
      .set('X-CSRF-Token', csrf)
      .expect(404, /social-link-not-found/);
    const beforeRemoval = smtp.messages.length;
    await agent.delete(`/api/account/social-links/${microsoft.id}`).set('X-CSRF-Token', csrf).expect(204);
    // The account's email hears of the removal, and only of this one (the refused attempts sent nothing).
    // Link notices from earlier sign-ins may still be on their way through the mail queue, so wait for a
    // removal notice rather than for the next mail.
    const isRemovalNotice = (mail: ParsedMail) => recipients(mail).includes(BOB) && /was removed from/.test(mail.subject ?? '');
    const removedNotice = await smtp.waitForMessage(isRemovalNotice, 10_000, { after: beforeRemoval });
    expect(removedNotice.subject).toBe('A Microsoft account was removed from your Alumni Portal account');
    expect(smtp.messages.slice(beforeRemoval).filter(isRemovalNotice)).toHaveLength(1);
    const after = await agent.get('/api/account/social-links').expect(200);
    expect(after.body.links.map((link: { provider: string }) => link.provider)).not.toContain('microsoft');
    // Unlinked: the next Microsoft sign-in asks for the email and code again.
    expect((await viaProvider(newBrowser(), 'microsoft', 'ms-bob')).callback.headers.location).toBe('/sign-in?socialLink=1');
  });

  it('offers only configured providers: an unconfigured one is not listed and answers 404', async () => {
    const onlyGoogle = await startTestPortal({
      PUBLIC_URL,
      SOCIAL_GOOGLE_ISSUER: providers.google.issuer,
      SOCIAL_GOOGLE_CLIENT_ID: providers.google.clientId,
      SOCIAL_GOOGLE_CLIENT_SECRET: providers.google.clientSecret,
    });
    try {
      const listed = await request(onlyGoogle.app.getHttpServer()).get('/api/sign-in/social/providers').expect(200);
      expect(listed.body.providers.map((provider: { id: string }) => provider.id)).toEqual(['google']);
      for (const provider of ['microsoft', 'apple', 'wechat']) {
        await request(onlyGoogle.app.getHttpServer())
          .get(`/api/sign-in/social/${provider}/start`)
          .expect(404, /social-provider-unknown/);
        await request(onlyGoogle.app.getHttpServer()).get(`/api/sign-in/social/${provider}/callback?code=x&state=y`).expect(404);
      }
    } finally {
      await onlyGoogle.close();
    }
  });
});
