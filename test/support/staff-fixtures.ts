import type { StaffRole } from '../../apps/portal/src/identity/roles.js';
import { StaffService } from '../../apps/portal/src/admin/staff.service.js';
import { staffSignIn, type HttpSession } from './http-sessions.js';
import type { TestPortal } from './portal-app.js';
import type { TestSmtpServer } from './smtp.js';

/** The password every test staff account is created with. */
export const STAFF_PASSWORD = 'correct horse battery staple';

export interface TestStaffMember {
  readonly email: string;
  readonly name: string;
  readonly role: StaffRole;
}

/** One staff member per role, as the specs name them. */
export const AAO_ADMIN: TestStaffMember = { email: 'admin@example.edu', name: 'Ada Admin', role: 'aao-admin' };
export const AUDITOR: TestStaffMember = { email: 'auditor@example.edu', name: 'Al Auditor', role: 'auditor' };
export const SECURITY_GUARD: TestStaffMember = { email: 'guard@example.edu', name: 'Gus Guard', role: 'security-staff' };

/** Creates the staff account (password {@link STAFF_PASSWORD}) and signs it in with the password and the mailed code. */
export async function createStaffAndSignIn(portal: TestPortal, smtp: TestSmtpServer, member: TestStaffMember): Promise<HttpSession> {
  await portal.app.get(StaffService).create({ ...member, password: STAFF_PASSWORD });
  return staffSignIn(portal.app.getHttpServer(), smtp, member.email, STAFF_PASSWORD);
}
