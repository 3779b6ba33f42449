import { loadAppConfig } from '../config/app-config.js';
import { usesMailCatcher } from './mail-catcher.js';

const SECRET = 'x'.repeat(32);

describe('usesMailCatcher', () => {
  it('runs the catcher in development and test when no SMTP_URL is set', () => {
    expect(usesMailCatcher(loadAppConfig({}))).toBe(true);
    expect(usesMailCatcher(loadAppConfig({ NODE_ENV: 'test' }))).toBe(true);
  });

  it('never runs it when mail really goes out', () => {
    expect(usesMailCatcher(loadAppConfig({ SMTP_URL: 'smtp://mail.example.edu:587' }))).toBe(false);
    const production = loadAppConfig({
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mail.example.edu:587',
      DATABASE_URL: 'postgres://cp@db:5432/cp',
      APP_SECRET: SECRET,
      KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
      GATE_REDIS_URL: 'redis://gates:gate-secret@127.0.0.1:6379',
    });
    expect(usesMailCatcher(production)).toBe(false);
  });

  it('never runs it in production, even given a configuration without SMTP_URL', () => {
    const production = loadAppConfig({
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mail.example.edu:587',
      DATABASE_URL: 'postgres://cp@db:5432/cp',
      APP_SECRET: SECRET,
      KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
      GATE_REDIS_URL: 'redis://gates:gate-secret@127.0.0.1:6379',
    });
    expect(usesMailCatcher({ ...production, mail: { from: production.mail.from } })).toBe(false);
  });
});
