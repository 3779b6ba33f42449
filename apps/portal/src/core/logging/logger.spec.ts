import { Writable } from 'node:stream';
import { createLogger, PinoNestLogger } from './logger.js';
import { maskSecrets, maskUrl } from './mask.js';

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger({ level: 'trace' }, sink), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('maskUrl', () => {
  it('masks the password of a connection string and keeps the rest', () => {
    expect(maskUrl('postgres://cp:s3cret@db.internal:5432/campuspass')).toBe('postgres://cp:%5Bmasked%5D@db.internal:5432/campuspass');
    expect(maskUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe('maskSecrets', () => {
  it('masks secret-looking keys at any depth and URLs in any string', () => {
    const masked = maskSecrets({
      email: 'a@example.com',
      password: 'hunter2',
      nested: { sessionToken: 'abc', list: [{ otpCode: '123456' }], url: 'postgres://u:pw@h/db' },
    });
    const text = JSON.stringify(masked);
    expect(text).not.toMatch(/hunter2|abc|123456|:pw@/);
    expect(text).toContain('a@example.com');
  });

  it('keeps pass ids and status or reason codes, which are not secrets', () => {
    const fields = { passId: 'p1', statusCode: 403, reasonCode: 'bad-signature', enrollmentCode: 'K7Q2' };
    expect(maskSecrets(fields)).toEqual({ passId: 'p1', statusCode: 403, reasonCode: 'bad-signature', enrollmentCode: '[masked]' });
  });

  it('survives cycles', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(() => JSON.stringify(maskSecrets(loop))).not.toThrow();
  });
});

describe('createLogger', () => {
  it('writes JSON lines with the level as a word and masks secrets', async () => {
    const { logger, lines } = captureLogger();
    logger.info({ databaseUrl: 'postgres://cp:topsecret@db/cp', password: 'x', req: { headers: { cookie: 'sid=1' } } }, 'started');
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'started', password: '[masked]' });
    expect(JSON.stringify(lines[0])).not.toMatch(/topsecret|sid=1/);
  });
});

describe('PinoNestLogger', () => {
  it('maps Nest levels and keeps the context and the stack of errors', async () => {
    const { logger, lines } = captureLogger();
    const nest = new PinoNestLogger(logger);
    nest.log('listening', 'Bootstrap');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    await flush();
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'listening', context: 'Bootstrap' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler', stack: 'Error: boom\n    at x' });
  });
});
