import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type request from 'supertest';
import { activateEcard, BOB, REGISTRY_ROWS, seedRegistry } from './ecard-fixtures.js';
import { GATE_ALICE, GATE_ALICE_ROW } from './gate-fixtures.js';
import { registerAndSignIn, type HttpSession } from './http-sessions.js';
import { startTestPortal, type TestPortal } from './portal-app.js';
import { declaredRoutes, type DeclaredRoute } from './routes.js';
import { startTestSmtpServer, type TestSmtpServer } from './smtp.js';
import { AAO_ADMIN, AUDITOR, SECURITY_GUARD, createStaffAndSignIn } from './staff-fixtures.js';
import type { Role } from '../../apps/portal/src/identity/roles.js';
import { KeysService } from '../../apps/portal/src/keys/keys.service.js';

const DAY_MS = 86_400_000;
export const ZERO_ID = '00000000-0000-4000-8000-000000000000';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const lower = (route: Pick<DeclaredRoute, 'method'>) => route.method.toLowerCase() as Method;
export const key = (route: Pick<DeclaredRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** The value and attributes of one cookie from a response's Set-Cookie lines. */
export function setCookie(response: request.Response, name: string): { value: string; attributes: string } | undefined {
  for (const line of ([] as string[]).concat(response.headers['set-cookie'] ?? [])) {
    const [pair, ...rest] = line.split(';');
    const index = pair!.indexOf('=');
    if (pair!.slice(0, index).trim() === name) return { value: decodeURIComponent(pair!.slice(index + 1)), attributes: rest.join(';') };
  }
  return undefined;
}

/** The portal under review: Alice and Bob (alumni with active eCards), one staff member per role, every route. */
export interface ReviewPortal {
  readonly portal: TestPortal;
  readonly smtp: TestSmtpServer;
  /** A stand-in web app build (index.html and one hashed asset) the portal serves. */
  readonly webDist: string;
  readonly routes: DeclaredRoute[];
  readonly alice: HttpSession;
  readonly bob: HttpSession;
  readonly staff: ReadonlyMap<Role, HttpSession>;
  /** A session of the role: Bob for alumni. */
  sessionFor(role: Role): HttpSession;
  close(): Promise<void>;
}

/**
 * Starts SMTP and the portal (workers on; one trusted proxy hop, so a test may speak from its own client address with
 * X-Forwarded-For), imports Alice and Bob, rotates keys as of three days ago, signs both in with active eCards and
 * signs in an AAO admin, an auditor and a security officer.
 */
export async function startReviewPortal(): Promise<ReviewPortal> {
  const webDist = await mkdtemp(join(tmpdir(), 'owasp-web-'));
  await mkdir(join(webDist, 'assets'));
  await writeFile(
    join(webDist, 'index.html'),
    '<!doctype html><html><body><div id="root"></div><script src="/assets/app-1.js"></script></body></html>',
  );
  await writeFile(join(webDist, 'assets', 'app-1.js'), 'console.log("app");');
  const smtp = await startTestSmtpServer();
  let portal: TestPortal | undefined;
  try {
    portal = await startTestPortal(
      { SMTP_URL: smtp.url, PUBLIC_URL: 'https://alumni.example.edu', WEB_DIST_DIR: webDist, TRUST_PROXY: '1' },
      { workers: true },
    );
    const server = portal.app.getHttpServer();
    await seedRegistry(portal, [GATE_ALICE_ROW, REGISTRY_ROWS.bob]);
    await portal.app.get(KeysService).rotate({ now: new Date(Date.now() - 3 * DAY_MS) });
    const [alice, bob] = await Promise.all([registerAndSignIn(server, smtp, GATE_ALICE), registerAndSignIn(server, smtp, BOB)]);
    await Promise.all([activateEcard(alice, 0), activateEcard(bob, 1)]);
    const staff = new Map<Role, HttpSession>();
    for (const member of [AAO_ADMIN, AUDITOR, SECURITY_GUARD]) staff.set(member.role, await createStaffAndSignIn(portal, smtp, member));
    const started = portal;
    return {
      portal,
      smtp,
      webDist,
      routes: declaredRoutes(portal.app),
      alice,
      bob,
      staff,
      sessionFor: (role) => (role === 'alumnus' ? bob : staff.get(role)!),
      async close() {
        await started.close();
        await smtp.close();
        await rm(webDist, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await portal?.close();
    await smtp.close();
    await rm(webDist, { recursive: true, force: true });
    throw error;
  }
}
