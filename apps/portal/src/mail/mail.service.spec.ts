import { jest } from '@jest/globals';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { QueueName } from '@campuspass/contracts';
import type { JobQueue } from '../core/queue/job-queue.service.js';
import { QueueUnavailableError } from '../core/queue/queue.errors.js';
import type { MailCatcher } from './mail-catcher.js';
import { isMailException } from './mail.exception.js';
import { MailService, type MailMessage } from './mail.service.js';
import type { MailTransport, OutgoingMail } from './mail.transport.js';
import { SendMailJob, type SendMailJobData } from './send-mail.job.js';

const ADDRESS = 'chan.tai.man@example.com';
const CODE = '482913';
const message: MailMessage = { to: ADDRESS, template: 'sign-in-code', locale: 'en', data: { code: CODE, minutes: 10 } };

/** Every log entry, so tests can check that no address or code is written in clear. */
const logged: unknown[] = [];
const capture: LoggerService = {
  log: (...args: unknown[]) => void logged.push(args),
  warn: (...args: unknown[]) => void logged.push(args),
  error: (...args: unknown[]) => void logged.push(args),
};

function setup({ catcher = false, queue = 'up' as 'up' | 'down', smtp = 'up' as 'up' | 'down' } = {}) {
  const sent: OutgoingMail[] = [];
  const add = jest.fn(async (_queue: QueueName, _name: string, _data: object): Promise<string> => {
    if (queue === 'down') throw new QueueUnavailableError(QueueName.Mail, new Error('connect ECONNREFUSED'));
    return 'job-1';
  });
  const send = jest.fn(async (mail: OutgoingMail) => {
    if (smtp === 'down') throw new Error(`550 5.1.1 <${ADDRESS}>: Recipient address rejected`);
    sent.push(mail);
  });
  const service = new MailService(
    { add } as unknown as JobQueue,
    { send } as unknown as MailTransport,
    { active: catcher } as unknown as MailCatcher,
  );
  return { service, add, send, sent };
}

beforeAll(() => Logger.overrideLogger(capture));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
beforeEach(() => (logged.length = 0));

function expectNothingSecretLogged() {
  const text = JSON.stringify(logged);
  expect(logged.length).toBeGreaterThan(0);
  expect(text).not.toContain(ADDRESS);
  expect(text).not.toContain(CODE);
}

describe('MailService.send', () => {
  it('queues the message on the mail queue, named by its template', async () => {
    const { service, add, send } = setup();
    await expect(service.send(message)).resolves.toEqual({ delivery: 'queued', jobId: 'job-1' });
    expect(add).toHaveBeenCalledWith(QueueName.Mail, 'sign-in-code', message);
    expect(send).not.toHaveBeenCalled();
    expectNothingSecretLogged();
  });

  it('sends at once when the queue is unavailable, so a code still arrives', async () => {
    const { service, sent } = setup({ queue: 'down' });
    await expect(service.send(message)).resolves.toEqual({ delivery: 'sent' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe(ADDRESS);
    expect(sent[0]?.subject).toBe('Your Alumni Portal sign-in code');
    expect(sent[0]?.text).toContain(CODE);
    expectNothingSecretLogged();
  });

  it('answers mail-unavailable when neither the queue nor the mail server takes it', async () => {
    const { service } = setup({ queue: 'down', smtp: 'down' });
    const error = await service.send(message).catch((caught: unknown) => caught);
    expect(isMailException(error)).toBe(true);
    expect(error).toMatchObject({ code: 'mail-unavailable', httpStatus: 503 });
    expectNothingSecretLogged();
  });

  it('sends to the development mail catcher directly, without the queue', async () => {
    const { service, add, sent } = setup({ catcher: true });
    await expect(service.send(message)).resolves.toEqual({ delivery: 'sent' });
    expect(add).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
  });

  it('rethrows queue errors other than an outage', async () => {
    const { service, add } = setup();
    add.mockRejectedValueOnce(new TypeError('bug'));
    await expect(service.send(message)).rejects.toThrow(TypeError);
  });

  it.each([
    ['a recipient with a line break', { ...message, to: `${ADDRESS}\r\nBcc: victim@example.com` }],
    ['a recipient without @', { ...message, to: 'nobody' }],
    ['an unknown template', { ...message, template: 'password-reset' }],
    ['an unknown locale', { ...message, locale: 'fr' }],
    ['data of another template', { ...message, data: { email: ADDRESS } }],
  ])('refuses %s (a caller bug) before queuing', async (_case, bad) => {
    const { service, add, send } = setup();
    await expect(service.send(bad as unknown as MailMessage)).rejects.toMatchObject({ code: 'mail-invalid-message' });
    expect(add).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
  });

  it('type-checks data against the template (compile-time; `npm run typecheck` enforces this)', () => {
    const compileOnly = (service: MailService) => {
      void service.send({ to: ADDRESS, template: 'email-registered', locale: 'zh-Hant', data: { email: ADDRESS } });
      // @ts-expect-error sign-in-code needs { code, minutes }
      void service.send({ to: ADDRESS, template: 'sign-in-code', locale: 'en', data: { email: ADDRESS } });
      // @ts-expect-error locale is 'en' or 'zh-Hant'
      void service.send({ to: ADDRESS, template: 'sign-in-code', locale: 'zh', data: { code: CODE, minutes: 10 } });
    };
    expect(typeof compileOnly).toBe('function');
  });
});

describe('SendMailJob', () => {
  function job(data: SendMailJobData) {
    const updateData = jest.fn(async (next: SendMailJobData) => void (current.data = next));
    const current = { id: '7', data, attemptsMade: 0, updateData } as unknown as Job<SendMailJobData> & { updateData: typeof updateData };
    return current;
  }

  it('sends the message, then drops the code and the address from the job', async () => {
    const { service, sent } = setup();
    const queued = job(message);
    await expect(new SendMailJob(service).process(queued)).resolves.toBe('delivered');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain(CODE);
    expect(queued.data).toMatchObject({ delivered: true, template: 'sign-in-code', locale: 'en', to: 'c***@example.com' });
    expect(JSON.stringify(queued.data)).not.toContain(CODE);
    expectNothingSecretLogged();
  });

  it('returns early when run again after the mail went out', async () => {
    const { service, send } = setup();
    const queued = job(message);
    const processor = new SendMailJob(service);
    await processor.process(queued);
    await expect(processor.process(queued)).resolves.toBe('already delivered');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('fails the attempt when the mail server fails (BullMQ retries), with the address masked', async () => {
    const { service } = setup({ smtp: 'down' });
    const queued = job(message);
    const error = await new SendMailJob(service).process(queued).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('SMTP delivery failed: 550 5.1.1 <c***@example.com>: Recipient address rejected');
    expect(queued.data).toEqual(message);
  });

  it('fails without retrying when the data fits no template', async () => {
    const { service, send } = setup();
    const bad = job({ ...message, template: 'gone' } as unknown as SendMailJobData);
    await expect(new SendMailJob(service).process(bad)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(send).not.toHaveBeenCalled();
  });
});
