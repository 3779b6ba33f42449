import { loadAppConfig } from './app-config.js';
import { ConfigError } from './config.error.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAppConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadAppConfig({});
    expect(config.environment).toBe('development');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, publicUrl: 'http://localhost:3000' });
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrate).toBe('auto');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('names the variable and the expectation when a port is wrong', () => {
    const problems = problemsOf({ PORT: 'http' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT /);
    expect(problems[0]).toContain('"http"');
  });

  it('rejects a port out of range', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toContain('between 1 and 65535');
  });

  it('requires a real database, secret and mail server in production, and defaults migrations to manual there', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^APP_SECRET is required in production/),
      expect.stringMatching(/^SMTP_URL is required in production/),
      expect.stringMatching(/^DATABASE_URL is required in production/),
    ]);
    const config = loadAppConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://cp@db:5432/cp',
      APP_SECRET: 'x'.repeat(32),
      SMTP_URL: 'smtp://mail.example.edu:587',
    });
    expect(config.database.migrate).toBe('manual');
    expect(config.mail.smtpUrl).toBe('smtp://mail.example.edu:587');
  });

  it('rejects a short APP_SECRET without echoing it', () => {
    const problems = problemsOf({ APP_SECRET: 'tooshort-secret' });
    expect(problems).toEqual([expect.stringMatching(/^APP_SECRET must be at least 32 characters/)]);
    expect(problems[0]).not.toContain('tooshort-secret');
  });

  it('never echoes a bad URL, which may hold a password', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/cp', REDIS_URL: 'nope' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.some((p) => p.startsWith('DATABASE_URL must be a URL like postgres://'))).toBe(true);
    expect(problems.some((p) => p.startsWith('REDIS_URL '))).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadAppConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: '0', LOG_LEVEL: 'loud', NODE_ENV: 'staging' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['LOG_LEVEL', 'NODE_ENV', 'PORT']);
  });
});
