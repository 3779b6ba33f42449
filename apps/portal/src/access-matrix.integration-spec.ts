import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPortalWithActiveAlumnus, type GatePortal } from '../../../test/support/gate-fixtures.js';
import type { HttpSession } from '../../../test/support/http-sessions.js';
import { declaredRoutes, samplePath, type DeclaredRoute } from '../../../test/support/routes.js';
import { AAO_ADMIN, AUDITOR, SECURITY_GUARD, createStaffAndSignIn } from '../../../test/support/staff-fixtures.js';
import request from 'supertest';
import { ROLES, type Role } from './identity/roles.js';

/**
 * The authorization matrix: every route of the portal and who may call it. A new route, or a change of who may call
 * one, changes this table on purpose. Columns: method, path, then `public`, `gate` (signed gate requests) or the roles.
 */
const EXPECTED = `
POST   /api/account/email/start                                   alumnus
POST   /api/account/email/verify                                  alumnus
GET    /api/account/social-links                                  alumnus
DELETE /api/account/social-links/:id                              alumnus
GET    /api/admin/alumni                                          aao-admin auditor
GET    /api/admin/alumni/:graduateId                              aao-admin auditor
GET    /api/admin/audit                                           aao-admin auditor
GET    /api/admin/audit/export.csv                                aao-admin auditor
GET    /api/admin/ecard/reviews                                   aao-admin auditor
POST   /api/admin/ecard/reviews/:photoId/approve                  aao-admin
GET    /api/admin/ecard/reviews/:photoId/photo                    aao-admin auditor
POST   /api/admin/ecard/reviews/:photoId/reject                   aao-admin
GET    /api/admin/ecards/:id                                      aao-admin auditor
POST   /api/admin/ecards/:id/reinstate                            aao-admin
POST   /api/admin/ecards/:id/revoke                               aao-admin
GET    /api/admin/gates                                           aao-admin auditor security-staff
POST   /api/admin/gates                                           aao-admin
POST   /api/admin/gates/:id/enrollment-code                       aao-admin
PUT    /api/admin/gates/:id/policy                                aao-admin
POST   /api/admin/gates/:id/revoke                                aao-admin
GET    /api/admin/guest-policy                                    aao-admin auditor
PUT    /api/admin/guest-policy                                    aao-admin
GET    /api/admin/keys                                            aao-admin auditor
POST   /api/admin/keys/:id/retire                                 aao-admin
POST   /api/admin/keys/:id/revoke                                 aao-admin
POST   /api/admin/keys/rotate                                     aao-admin
GET    /api/admin/privileges                                      aao-admin auditor
POST   /api/admin/privileges                                      aao-admin
DELETE /api/admin/privileges/:id                                  aao-admin
PUT    /api/admin/privileges/:id                                  aao-admin
POST   /api/admin/registry/imports                                aao-admin
GET    /api/alumni/:accountId/sessions                            alumnus
GET    /api/auth/captcha/challenge                                public
POST   /api/auth/email/resend                                     public
POST   /api/auth/email/start                                      public
POST   /api/auth/email/verify                                     public
POST   /api/auth/netid/forgot-netid/start                         public
POST   /api/auth/netid/forgot-netid/verify                        public
POST   /api/auth/netid/forgot-password/reset                      public
POST   /api/auth/netid/forgot-password/start                      public
POST   /api/auth/netid/register                                   public
POST   /api/auth/netid/register/verify                            public
POST   /api/auth/netid/sign-in                                    public
POST   /api/auth/reauthenticate/start                             alumnus
POST   /api/auth/reauthenticate/verify                            alumnus
POST   /api/auth/register/email                                   public
POST   /api/auth/register/identify                                public
POST   /api/auth/register/verify                                  public
GET    /api/auth/staff/methods                                    public
GET    /api/auth/staff/oidc/callback                              public
GET    /api/auth/staff/oidc/start                                 public
POST   /api/auth/staff/start                                      public
POST   /api/auth/staff/verify                                     public
GET    /api/dev/mailbox                                           public
GET    /api/dev/mailbox/:id                                       public
GET    /api/ecard                                                 alumnus
POST   /api/ecard/photo                                           alumnus
GET    /api/ecard/photo/:size                                     alumnus
GET    /api/gate/bundle                                           gate
POST   /api/gate/enroll                                           public
POST   /api/gate/heartbeat                                        gate
GET    /api/guest-passes                                          alumnus
POST   /api/guest-passes                                          alumnus
GET    /api/guest-passes/:id                                      alumnus
POST   /api/guest-passes/:id/cancel                               alumnus
POST   /api/guest-passes/:id/share/email                          alumnus
GET    /api/guest-passes/policy                                   alumnus
GET    /api/health                                                public
GET    /api/health/live                                           public
GET    /api/passes/today                                          alumnus
GET    /api/profile                                               alumnus
POST   /api/profile/achievements                                  alumnus
DELETE /api/profile/achievements/:id                              alumnus
PUT    /api/profile/achievements/:id                              alumnus
POST   /api/profile/career                                        alumnus
DELETE /api/profile/career/:id                                    alumnus
PUT    /api/profile/career/:id                                    alumnus
PUT    /api/profile/contact                                       alumnus
POST   /api/profile/education                                     alumnus
DELETE /api/profile/education/:id                                 alumnus
PUT    /api/profile/education/:id                                 alumnus
GET    /api/profile/options                                       alumnus
GET    /api/public/guest-passes/:token                            public
GET    /api/reports/entries.csv                                   aao-admin auditor
GET    /api/reports/gates                                         aao-admin auditor
GET    /api/reports/summary                                       aao-admin auditor
GET    /api/security/alerts                                       security-staff
POST   /api/security/alerts/:id/acknowledge                       security-staff
GET    /api/security/ecards/:ecardId/photo                        security-staff
GET    /api/security/entries                                      security-staff
GET    /api/security/entry-points                                 security-staff
GET    /api/security/feed                                         security-staff
GET    /api/security/gates                                        security-staff
POST   /api/security/handheld/check                               security-staff
GET    /api/security/ingest                                       aao-admin security-staff
GET    /api/session                                               public
POST   /api/session/sign-out                                      aao-admin alumnus auditor security-staff
POST   /api/session/sign-out-everywhere                           aao-admin alumnus auditor security-staff
GET    /api/sign-in/social/:provider/callback                     public
POST   /api/sign-in/social/:provider/callback                     public
GET    /api/sign-in/social/:provider/start                        public
GET    /api/sign-in/social/link                                   public
POST   /api/sign-in/social/link/cancel                            public
POST   /api/sign-in/social/link/start                             public
POST   /api/sign-in/social/link/verify                            public
GET    /api/sign-in/social/providers                              public
GET    /api/staff                                                 aao-admin
POST   /api/staff                                                 aao-admin
PATCH  /api/staff/:id                                             aao-admin
GET    /api/staff/me                                              aao-admin auditor security-staff
GET    /api/staff/netids/:graduateId                              aao-admin auditor
PUT    /api/staff/netids/:graduateId/alumni-netid                 aao-admin
`;

function tableOf(routes: readonly DeclaredRoute[]): string {
  return routes
    .map((route) =>
      [route.method.padEnd(6), route.path.padEnd(58), typeof route.access === 'string' ? route.access : route.access.join(' ')]
        .join(' ')
        .trimEnd(),
    )
    .join('\n');
}

describe('authorization matrix: every endpoint × every role', () => {
  let gate: GatePortal;
  let routes: DeclaredRoute[];
  const sessions = new Map<Role, HttpSession>();

  beforeAll(async () => {
    gate = await startPortalWithActiveAlumnus();
    sessions.set('alumnus', gate.alice);
    for (const member of [AAO_ADMIN, AUDITOR, SECURITY_GUARD]) {
      sessions.set(member.role, await createStaffAndSignIn(gate.portal, gate.smtp, member));
    }
    routes = declaredRoutes(gate.portal.app);
  }, 120_000);

  afterAll(async () => {
    await gate?.close();
  });

  it('every route declares who may call it, as this table says', () => {
    expect(routes.filter((route) => route.access === 'undeclared')).toEqual([]);
    expect(tableOf(routes)).toBe(EXPECTED.trim());
  });

  it('refuses a signed-out caller on every route that needs a role (401), before looking at the request', async () => {
    const server = gate.portal.app.getHttpServer();
    const answers: string[] = [];
    for (const route of routes.filter((candidate) => Array.isArray(candidate.access))) {
      const method = route.method.toLowerCase() as 'get';
      const response = await request(server)[method](samplePath(route.path)).set('Content-Type', 'application/json');
      if (response.status !== 401 || response.body.code !== 'sign-in-required')
        answers.push(`${route.method} ${route.path}: ${response.status} ${response.body.code}`);
    }
    expect(answers).toEqual([]);
  }, 120_000);

  it.each(ROLES)(
    'a signed-in %s is refused (403 role-refused) everywhere its role is not listed, and let through where it is',
    async (role) => {
      const session = sessions.get(role)!;
      const wrong: string[] = [];
      for (const route of routes) {
        if (!Array.isArray(route.access)) continue;
        const allowed = (route.access as readonly Role[]).includes(role);
        // Unsafe routes where the role is allowed would act (rotate keys, sign out): their effect is tested by their own
        // specs. Streams never end: their refusals are checked here, their answers by the security specs.
        if (allowed && (route.method !== 'GET' || route.sse)) continue;
        const call = session.agent[route.method.toLowerCase() as 'get'](samplePath(route.path)).set('X-CSRF-Token', session.csrf);
        const response = await call;
        const refused = response.status === 403 && response.body.code === 'role-refused';
        if (allowed === refused || response.status === 401)
          wrong.push(`${route.method} ${route.path}: ${response.status} ${response.body.code ?? ''}`);
      }
      expect(wrong).toEqual([]);
    },
    120_000,
  );

  it('gate routes ignore sessions: a signed-in staff member without a gate signature gets nothing', async () => {
    const admin = sessions.get('aao-admin')!;
    const gateRoutes = routes.filter((route) => route.access === 'gate');
    expect(gateRoutes.length).toBeGreaterThan(0);
    for (const route of gateRoutes) {
      const response = await admin.agent[route.method.toLowerCase() as 'get'](samplePath(route.path)).set('X-CSRF-Token', admin.csrf);
      expect([400, 401]).toContain(response.status);
    }
  });
});
