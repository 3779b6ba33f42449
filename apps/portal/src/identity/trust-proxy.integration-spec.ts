import request from 'supertest';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';

/** The audit IP of a failed staff sign-in sent with this X-Forwarded-For header. */
async function auditedIp(portal: TestPortal, forwardedFor: string): Promise<string | null> {
  const email = `nobody-${Math.random().toString(36).slice(2)}@example.edu`;
  await request(portal.app.getHttpServer())
    .post('/api/auth/staff/start')
    .set('X-Forwarded-For', forwardedFor)
    .send({ email, password: 'not a password' })
    .expect(401);
  const events = await portal.app.get(AuditService).list({ action: 'staff.sign-in.password' });
  return events.find((event) => event.outcome === 'failure')?.ip ?? null;
}

describe('TRUST_PROXY: the client address behind a load balancer (PostgreSQL)', () => {
  let smtp: TestSmtpServer;
  const portals: TestPortal[] = [];

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });

  afterAll(async () => {
    for (const portal of portals) await portal.close();
    await smtp?.close();
  });

  async function portalWith(env: NodeJS.ProcessEnv): Promise<TestPortal> {
    const portal = await startTestPortal({ SMTP_URL: smtp.url, ...env });
    portals.push(portal);
    return portal;
  }

  it('ignores X-Forwarded-For by default: a client cannot choose its own address', async () => {
    const portal = await portalWith({});
    expect(await auditedIp(portal, '203.0.113.7')).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it('uses the address the trusted proxy saw when TRUST_PROXY names a hop count', async () => {
    const portal = await portalWith({ TRUST_PROXY: '1' });
    // One trusted hop (the test client plays the load balancer): the address it appended is the client's.
    expect(await auditedIp(portal, '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
  });

  it('uses X-Forwarded-For only from proxies in the configured ranges, and per-IP limits count the client', async () => {
    const trusted = await portalWith({ TRUST_PROXY: '127.0.0.0/8,::1' });
    expect(await auditedIp(trusted, '203.0.113.9')).toBe('203.0.113.9');
    const untrusted = await portalWith({ TRUST_PROXY: '10.0.0.0/8' });
    expect(await auditedIp(untrusted, '203.0.113.9')).toMatch(/^(::ffff:)?127\.0\.0\.1$/);

    // Per-IP limits: 20 code requests per address; a second client behind the same proxy is not blocked.
    const server = trusted.app.getHttpServer();
    for (let i = 0; i < 20; i++) {
      await request(server)
        .post('/api/auth/email/start')
        .set('X-Forwarded-For', '203.0.113.20')
        .send({ email: `p${i}@example.com` })
        .expect(202);
    }
    await request(server).post('/api/auth/email/start').set('X-Forwarded-For', '203.0.113.20').send({ email: 'q@example.com' }).expect(429);
    await request(server).post('/api/auth/email/start').set('X-Forwarded-For', '203.0.113.21').send({ email: 'q@example.com' }).expect(202);
  });
});
