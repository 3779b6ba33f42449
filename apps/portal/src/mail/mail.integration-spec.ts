import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTransport } from 'nodemailer';
import request from 'supertest';
import { QueueName } from '@campuspass/contracts';
import { freePort } from '../../../../test/support/free-port.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { createTestRedis, type TestRedis } from '../../../../test/support/redis.js';
import { extractCode, recipients, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { waitFor } from '../../../../test/support/wait.js';
import { loadAppConfig } from '../config/app-config.js';
import { AppConfigModule } from '../config/app-config.module.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { QueueModule } from '../core/queue/queue.module.js';
import { MAIL_CATCHER_CAPACITY, MailCatcher } from './mail-catcher.js';
import { MailModule } from './mail.module.js';
import { MailService } from './mail.service.js';

const FROM = 'CampusPass <no-reply@campuspass.test>';

/** MailModule as the portal wires it: config, the queue (with or without workers), the mail module. */
async function startMailContext(env: NodeJS.ProcessEnv, workers: boolean): Promise<INestApplicationContext> {
  const config = loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MAIL_FROM: FROM, ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config), QueueModule.forRoot({ workers }), MailModule],
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

describe('MailService through the mail queue and worker (real Redis, real SMTP)', () => {
  let smtp: TestSmtpServer;
  let redis: TestRedis;
  let context: INestApplicationContext;
  let mail: MailService;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    redis = createTestRedis();
    context = await startMailContext({ SMTP_URL: smtp.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix }, true);
    mail = context.get(MailService);
  });

  afterAll(async () => {
    await context?.close();
    await redis?.cleanup();
    await smtp?.close();
  });

  it('delivers an English sign-in code through the worker', async () => {
    const result = await mail.send({
      to: 'Chan.Tai.Man@example.com',
      template: 'sign-in-code',
      locale: 'en',
      data: { code: '482913', minutes: 10 },
    });
    expect(result).toEqual({ delivery: 'queued', jobId: expect.any(String) });

    const received = await smtp.waitForMessage('chan.tai.man@example.com');
    expect(received.subject).toBe('Your Alumni Portal sign-in code');
    expect(recipients(received)).toEqual(['chan.tai.man@example.com']);
    expect(received.from?.value).toEqual([{ name: 'CampusPass', address: 'no-reply@campuspass.test' }]);
    expect(extractCode(received)).toBe('482913');
    expect(received.text).toContain('expires in 10 minutes');
    expect(received.text).toContain('alumni@polyu.edu.hk');
    expect(received.html).toContain('>482913</p>');
    expect(received.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('delivers a Traditional Chinese verification code', async () => {
    await mail.send({
      to: 'wong@example.com',
      template: 'email-verification-code',
      locale: 'zh-Hant',
      data: { code: '093117', minutes: 10 },
    });
    const received = await smtp.waitForMessage('wong@example.com');
    expect(received.subject).toBe('確認你在校友網站登記的電郵地址');
    expect(extractCode(received)).toBe('093117');
    expect(received.text).toContain('垃圾郵件匣');
    expect(received.text).toContain('校友事務處');
    expect(received.html).toContain('<html lang="zh-Hant">');
  });

  it('delivers the registered-email notice, escaped in HTML', async () => {
    await mail.send({ to: 'lee@example.com', template: 'email-registered', locale: 'en', data: { email: 'lee+<b>@example.com' } });
    const received = await smtp.waitForMessage('lee@example.com');
    expect(received.subject).toBe('Your email address is registered with the Alumni Portal');
    expect(received.text).toContain('lee+<b>@example.com is now the registered email address');
    expect(received.html).toContain('lee+&lt;b&gt;@example.com');
  });

  it('completes the job and keeps neither the code nor the address in Redis', async () => {
    const result = await mail.send({
      to: 'ho@example.com',
      template: 'staff-sign-in-code',
      locale: 'en',
      data: { code: '775201', minutes: 5 },
    });
    if (result.delivery !== 'queued') throw new Error('expected the queued path');
    await smtp.waitForMessage('ho@example.com');
    const queue = context.get(JobQueue).queue(QueueName.Mail);
    await waitFor(
      'job state',
      async () => (await queue.getJob(result.jobId))?.getState(),
      (state) => state === 'completed',
    );
    const job = await queue.getJob(result.jobId);
    expect(job?.name).toBe('staff-sign-in-code');
    expect(job?.data).toMatchObject({ delivered: true, template: 'staff-sign-in-code', to: 'h***@example.com' });
    expect(JSON.stringify(job?.data)).not.toContain('775201');
    expect(JSON.stringify(job?.data)).not.toContain('ho@example.com');
  });
});

describe('MailService with Redis down', () => {
  let smtp: TestSmtpServer;
  let context: INestApplicationContext;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    // A port nothing listens on: JobQueue fails fast with QueueUnavailableError.
    context = await startMailContext(
      { SMTP_URL: smtp.url, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, QUEUE_PREFIX: 'unused' },
      false,
    );
  });

  afterAll(async () => {
    await context?.close();
    await smtp?.close();
  });

  it('sends directly, so the code still arrives', async () => {
    const result = await context
      .get(MailService)
      .send({ to: 'chan@example.com', template: 'sign-in-code', locale: 'zh-Hant', data: { code: '314159', minutes: 10 } });
    expect(result).toEqual({ delivery: 'sent' });
    const received = await smtp.waitForMessage('chan@example.com');
    expect(received.subject).toBe('你的校友網站登入驗證碼');
    expect(extractCode(received)).toBe('314159');
  });
});

describe('MailService with Redis and the mail server both down', () => {
  it('answers mail-unavailable, so the caller can tell the person to try again', async () => {
    const context = await startMailContext(
      { SMTP_URL: `smtp://127.0.0.1:${await freePort()}`, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, QUEUE_PREFIX: 'unused' },
      false,
    );
    try {
      const error = await context
        .get(MailService)
        .send({ to: 'chan@example.com', template: 'sign-in-code', locale: 'en', data: { code: '271828', minutes: 10 } })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'mail-unavailable', httpStatus: 503 });
    } finally {
      await context.close();
    }
  });
});

describe('A mail job while the mail server is down', () => {
  let redis: TestRedis;
  let context: INestApplicationContext;
  let smtp: TestSmtpServer | undefined;

  beforeAll(async () => {
    redis = createTestRedis();
  });

  afterAll(async () => {
    await context?.close();
    await redis?.cleanup();
    await smtp?.close();
  });

  it('fails, is retried with backoff, and is delivered once the server is back', async () => {
    const smtpPort = await freePort(); // nothing listens here yet
    context = await startMailContext({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix }, true);
    const result = await context
      .get(MailService)
      .send({ to: 'yeung@example.com', template: 'sign-in-code', locale: 'en', data: { code: '161803', minutes: 10 } });
    if (result.delivery !== 'queued') throw new Error('expected the queued path');
    const queue = context.get(JobQueue).queue(QueueName.Mail);

    const retried = await waitFor(
      'attempts',
      async () => {
        const job = await queue.getJob(result.jobId);
        return { attempts: job?.attemptsMade ?? 0, reason: job?.failedReason ?? '', state: await job?.getState() };
      },
      ({ attempts }) => attempts >= 2,
    );
    expect(retried.state).toMatch(/delayed|waiting|active/);
    expect(retried.reason).toMatch(/^SMTP delivery failed: .*ECONNREFUSED/);
    expect(retried.reason).not.toContain('yeung@example.com');

    smtp = await startTestSmtpServer({ port: smtpPort });
    const received = await smtp.waitForMessage('yeung@example.com', 20_000);
    expect(extractCode(received)).toBe('161803');
    const job = await waitFor(
      'job state',
      async () => queue.getJob(result.jobId),
      (current) => current?.finishedOn !== undefined,
    );
    expect(await job?.getState()).toBe('completed');
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(3);
  }, 40_000);
});

describe('Development mail catcher and /api/dev/mailbox (real HTTP app)', () => {
  describe('without SMTP_URL', () => {
    let portal: TestPortal;

    beforeAll(async () => {
      portal = await startTestPortal();
    });
    afterAll(() => portal?.close());

    it('runs the catcher and shows what it caught, newest first', async () => {
      const catcher = portal.app.get(MailCatcher);
      expect(catcher.active).toBe(true);
      expect(catcher.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);

      const mail = portal.app.get(MailService);
      await expect(
        mail.send({ to: 'first@example.com', template: 'sign-in-code', locale: 'en', data: { code: '111222', minutes: 10 } }),
      ).resolves.toEqual({ delivery: 'sent' });
      await mail.send({ to: 'second@example.com', template: 'sign-in-code', locale: 'zh-Hant', data: { code: '333444', minutes: 10 } });

      const server = portal.app.getHttpServer();
      const list = await request(server).get('/api/dev/mailbox').expect(200);
      expect(list.headers['cache-control']).toBe('no-store');
      expect(list.body).toHaveLength(2);
      const [newest, oldest] = list.body as Array<Record<string, unknown>>;
      expect(newest).toMatchObject({ to: ['second@example.com'], subject: '你的校友網站登入驗證碼' });
      expect(oldest).toMatchObject({ to: ['first@example.com'], subject: 'Your Alumni Portal sign-in code' });
      expect(oldest?.text).toContain('111222');
      expect(oldest?.html).toContain('>111222</p>');
      expect(oldest?.from).toBe('no-reply@campuspass.localhost');
      expect(new Date(String(oldest?.date)).getTime()).not.toBeNaN();

      const one = await request(server)
        .get(`/api/dev/mailbox/${String(oldest?.id)}`)
        .expect(200);
      expect(one.body).toEqual(oldest);
      await request(server).get('/api/dev/mailbox/999999').expect(404);
    });
  });

  describe('with SMTP_URL set', () => {
    let portal: TestPortal;
    let smtp: TestSmtpServer;

    beforeAll(async () => {
      smtp = await startTestSmtpServer();
      portal = await startTestPortal({ SMTP_URL: smtp.url });
    });
    afterAll(async () => {
      await portal?.close();
      await smtp?.close();
    });

    it('runs no catcher and answers 404', async () => {
      expect(portal.app.get(MailCatcher).active).toBe(false);
      await request(portal.app.getHttpServer()).get('/api/dev/mailbox').expect(404);
      await request(portal.app.getHttpServer()).get('/api/dev/mailbox/1').expect(404);
    });
  });
});

describe('MailCatcher', () => {
  it(`keeps the latest ${MAIL_CATCHER_CAPACITY} messages and stops on shutdown`, async () => {
    const catcher = new MailCatcher(loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
    await catcher.onModuleInit();
    const url = catcher.url;
    const transport = createTransport({ url, pool: true, maxConnections: 1, maxMessages: Infinity });
    try {
      for (let index = 1; index <= MAIL_CATCHER_CAPACITY + 5; index += 1) {
        await transport.sendMail({ from: FROM, to: `n${index}@example.com`, subject: `message ${index}`, text: `body ${index}` });
      }
    } finally {
      transport.close();
    }
    const caught = catcher.list();
    expect(caught).toHaveLength(MAIL_CATCHER_CAPACITY);
    expect(caught[0]).toMatchObject({ id: String(MAIL_CATCHER_CAPACITY + 5), subject: `message ${MAIL_CATCHER_CAPACITY + 5}` });
    expect(caught.at(-1)).toMatchObject({ id: '6', to: ['n6@example.com'] });
    expect(catcher.get('5')).toBeUndefined();
    expect(catcher.get('6')?.text).toBe('body 6\n');

    await catcher.onApplicationShutdown();
    expect(() => catcher.url).toThrow(/not running/);
    const probe = createTransport({ url, connectionTimeout: 2000 });
    await expect(probe.verify()).rejects.toThrow(/ECONNREFUSED/);
    probe.close();
  });
});
