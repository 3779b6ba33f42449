import { runToExit, startPortal, type RunningPortal } from '../support/portal-process.js';
import { requiredTestEnv, TEST_ENV } from '../support/test-services.js';

describe('the portal as a process (npm start entry point)', () => {
  let portal: RunningPortal;

  beforeAll(async () => {
    portal = await startPortal();
  });

  afterAll(() => portal?.close());

  it('serves /health with both dependencies up', async () => {
    const response = await fetch(`${portal.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, queue: { status: 'up' } } });
  });

  it('serves the web app at / and for client-side routes', async () => {
    for (const route of ['/', '/sign-in']) {
      const response = await fetch(`${portal.baseUrl}${route}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('serves the service worker uncached and hashed assets for a year', async () => {
    const worker = await fetch(`${portal.baseUrl}/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    const shell = await (await fetch(`${portal.baseUrl}/`, { headers: { accept: 'text/html' } })).text();
    const asset = /\/assets\/[^"]+\.js/.exec(shell)?.[0];
    expect(asset).toBeDefined();
    const response = await fetch(`${portal.baseUrl}${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('max-age=31536000');
  });

  it('writes JSON log lines and never the database password', () => {
    const lines = portal.process
      .output()
      .split('\n')
      .filter((line) => line.trim());
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const password = new URL(portal.database.url).password;
    if (password) expect(portal.process.output()).not.toContain(password);
    expect(portal.process.output()).toContain('portal and workers running');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await portal.process.stop()).toBe(0);
  });
});

describe('the portal with a bad configuration', () => {
  it('refuses to start and names the variable', async () => {
    const { code, output } = await runToExit('apps/portal/dist/start.js', {
      PORT: 'eighty',
      DATABASE_URL: requiredTestEnv(TEST_ENV.postgresAdminUrl),
    });
    expect(code).toBe(78);
    expect(output).toContain('PORT must be a TCP port number (got "eighty")');
  });

  it('requires DATABASE_URL in production', async () => {
    const { code, output } = await runToExit('apps/portal/dist/main.js', {
      NODE_ENV: 'production',
      GATE_REDIS_URL: 'redis://gates:gate-secret@127.0.0.1:6379',
    });
    expect(code).toBe(78);
    expect(output).toContain('DATABASE_URL is required in production');
    expect(output).not.toContain('GATE_REDIS_URL');
  });

  it("refuses in production to hand gates the portal's own Redis credentials", async () => {
    const { code, output } = await runToExit('apps/portal/dist/main.js', {
      NODE_ENV: 'production',
      REDIS_URL: 'redis://portal:portal-secret@127.0.0.1:6379',
      GATE_REDIS_URL: 'redis://portal:portal-secret@127.0.0.1:6379',
    });
    expect(code).toBe(78);
    expect(output).toContain('GATE_REDIS_URL must differ from REDIS_URL in production');
    expect(output).not.toContain('portal-secret');
  });
});

describe('the portal with Redis down', () => {
  it('starts, serves, and says the queue is down', async () => {
    const portal = await startPortal({ REDIS_URL: 'redis://127.0.0.1:1' }); // nothing listens on port 1
    try {
      const response = await fetch(`${portal.baseUrl}/health`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: unknown; info: unknown };
      expect(body.error).toHaveProperty('queue.status', 'down');
      expect(body.info).toHaveProperty('database.status', 'up');
      expect(portal.process.output()).toContain('Redis unreachable');
    } finally {
      await portal.close();
    }
  });
});
