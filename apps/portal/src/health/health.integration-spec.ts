import request from 'supertest';
import { freePort } from '../../../../test/support/free-port.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';

describe('GET /health', () => {
  describe('with PostgreSQL and Redis up', () => {
    let portal: TestPortal;
    beforeAll(async () => {
      portal = await startTestPortal();
    });
    afterAll(() => portal.close());

    it('reports both dependencies up', async () => {
      const response = await request(portal.app.getHttpServer()).get('/health').expect(200);
      expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, queue: { status: 'up' } } });
    });

    it('serves liveness without touching dependencies', async () => {
      await request(portal.app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    });

    it('sets security headers (helmet)', async () => {
      const response = await request(portal.app.getHttpServer()).get('/health/live');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('answers unknown API paths with a JSON 404', async () => {
      const response = await request(portal.app.getHttpServer()).get('/api/no-such-thing').expect(404);
      expect(response.body).toMatchObject({ statusCode: 404, message: 'Cannot GET /api/no-such-thing' });
    });

    it('publishes the OpenAPI document', async () => {
      const response = await request(portal.app.getHttpServer()).get('/api/docs/openapi.json').expect(200);
      expect(response.body.info.title).toBe('CampusPass portal API');
      expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/live']));
      const ui = await request(portal.app.getHttpServer()).get('/api/docs/').expect(200);
      expect(ui.text).toContain('swagger-ui');
    });
  });

  describe('with Redis down', () => {
    let portal: TestPortal;
    beforeAll(async () => {
      // A port nothing listens on: the portal must start and serve anyway.
      portal = await startTestPortal({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    });
    afterAll(() => portal.close());

    it('still serves, and names the queue as the dependency that is down', async () => {
      const response = await request(portal.app.getHttpServer()).get('/health').expect(503);
      expect(response.body.status).toBe('error');
      expect(response.body.info.database.status).toBe('up');
      expect(response.body.error.queue.status).toBe('down');
      await request(portal.app.getHttpServer()).get('/health/live').expect(200);
    });
  });
});
