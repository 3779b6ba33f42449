import { ConflictException, Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ROLES, STAFF_ROLES, type StaffRole } from '../identity/roles.js';
import { AdminException } from './admin.exception.js';
import { AuditService } from './audit.service.js';
import type { StaffAccountEntity } from './staff-account.entity.js';
import { generatePassword, hashPassword, passwordProblem } from './staff-password.js';
import { StaffRepository } from './staff.repository.js';
import { isPlainLineText } from '../profile/dto/profile-validators.js';

/** A staff account that cannot be created as asked (answered 409 over HTTP; the CLI prints the message). */
export class StaffAccountError extends ConflictException {
  constructor(message: string) {
    super(message);
    this.name = 'StaffAccountError';
  }
}

export interface NewStaff {
  email: string;
  name: string;
  role: string;
  /** Left out: a random one is generated and returned once. */
  password?: string;
}

export interface StaffUpdate {
  readonly role?: string;
  readonly active?: boolean;
}

/** Who changes a staff account: a signed-in member of staff (never themselves for role or activity), or the system. */
export interface StaffActor {
  readonly type: 'staff' | 'system';
  readonly id?: string;
  readonly ip?: string | null;
}

/** Staff accounts (AAO admins, security staff, auditors). Every change is in the audit log. */
@Injectable()
export class StaffService {
  constructor(
    private readonly repository: StaffRepository,
    private readonly audit: AuditService,
  ) {}

  findById(id: string): Promise<StaffAccountEntity | null> {
    return this.repository.findById(id);
  }

  async create(
    input: NewStaff,
    actor: { type: 'staff' | 'system'; id?: string } = { type: 'system' },
  ): Promise<{ account: StaffAccountEntity; generatedPassword?: string }> {
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new StaffAccountError(`"${input.email}" is not an email address.`);
    const name = input.name.trim();
    if (!name) throw new StaffAccountError('The name must not be empty.');
    if (!isPlainLineText(name)) {
      throw new StaffAccountError('The name must be text on one line, without line breaks, control or bidirectional-override characters.');
    }
    if (!isStaffRole(input.role)) throw new StaffAccountError(`The role must be one of ${STAFF_ROLES.join(', ')} (got "${input.role}").`);
    const generatedPassword = input.password === undefined ? generatePassword() : undefined;
    const password = input.password ?? generatedPassword!;
    const problem = passwordProblem(password);
    if (problem) throw new StaffAccountError(problem);
    const taken = () => new StaffAccountError(`A staff account with the email ${email} exists already.`);
    // Checked first so the usual case never reaches a failed INSERT (whose log line would carry the hash).
    if (await this.repository.existsWithEmail(email)) throw taken();
    const now = new Date();
    let account: StaffAccountEntity;
    try {
      account = await this.repository.insert({
        email,
        name,
        role: input.role,
        passwordHash: await hashPassword(password),
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw taken();
      }
      throw error;
    }
    await this.audit.record({
      actorType: actor.type,
      actorId: actor.id ?? null,
      action: 'staff.create',
      targetType: 'staff',
      targetId: account.id,
      outcome: 'success',
      details: { role: account.role },
    });
    return { account, generatedPassword };
  }

  list(): Promise<StaffAccountEntity[]> {
    return this.repository.list();
  }

  /**
   * Changes a staff member's role and/or whether the account is active. Nobody changes their own role or
   * deactivates themselves, and the last active AAO admin stays one (409s that say so). A new role or a
   * deactivation ends the person's sessions at once: a session carries the roles it signed in with.
   */
  async update(id: string, change: StaffUpdate, actor: StaffActor): Promise<StaffAccountEntity> {
    if (change.role === undefined && change.active === undefined) {
      throw new AdminException('staff-change-empty', 'Say what to change: a new role, or active true or false.');
    }
    if (change.role !== undefined && !isStaffRole(change.role)) {
      throw new AdminException('staff-role-invalid', `The role must be one of ${STAFF_ROLES.join(', ')} (got "${change.role}").`);
    }
    const newRole = change.role as StaffRole | undefined;
    try {
      const { account, before, sessionsEnded } = await this.repository.withRolesLock(async (staff) => {
        const before = await staff.findById(id);
        if (!before) throw new AdminException('staff-not-found', 'There is no staff account with this id. Reload the list.');
        const roleChanges = newRole !== undefined && newRole !== before.role;
        const deactivates = change.active === false && before.active;
        if (actor.type === 'staff' && actor.id === id && (roleChanges || deactivates)) {
          throw new AdminException(
            'staff-self-change',
            'You cannot change your own role or deactivate your own account. Ask another AAO admin to do it.',
          );
        }
        const leavesAdmins = before.role === 'aao-admin' && before.active && ((roleChanges && newRole !== 'aao-admin') || deactivates);
        if (leavesAdmins && (await staff.countActiveAdmins()) <= 1) {
          throw new AdminException(
            'staff-last-admin',
            `${before.name} is the last active AAO admin. Make another member of staff an AAO admin first, then try again.`,
          );
        }
        const now = new Date();
        const account = await staff.update(id, {
          ...(newRole === undefined ? {} : { role: newRole }),
          ...(change.active === undefined ? {} : { active: change.active }),
          updatedAt: now,
        });
        const sessionsEnded =
          roleChanges || deactivates ? await staff.endSessions(id, now, deactivates ? 'staff-deactivated' : 'staff-role-changed') : 0;
        return { account, before, sessionsEnded };
      });
      for (const entry of changeEntries(before, account)) {
        await this.audit.record({
          actorType: actor.type,
          actorId: actor.id ?? null,
          action: entry.action,
          targetType: 'staff',
          targetId: id,
          outcome: 'success',
          ip: actor.ip ?? null,
          details: { ...entry.details, sessionsEnded },
        });
      }
      return account;
    } catch (error) {
      if (error instanceof AdminException && (error.code === 'staff-self-change' || error.code === 'staff-last-admin')) {
        await this.audit.record({
          actorType: actor.type,
          actorId: actor.id ?? null,
          action: change.active === false ? 'staff.deactivate' : 'staff.role',
          targetType: 'staff',
          targetId: id,
          outcome: 'failure',
          ip: actor.ip ?? null,
          details: { reason: error.code, ...(newRole === undefined ? {} : { role: newRole }) },
        });
      }
      throw error;
    }
  }
}

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value) && (ROLES as readonly string[]).includes(value);
}

/** The audit lines of a change: one per thing that changed (none when nothing did). */
function changeEntries(before: StaffAccountEntity, after: StaffAccountEntity): Array<{ action: string; details: Record<string, unknown> }> {
  const entries: Array<{ action: string; details: Record<string, unknown> }> = [];
  if (before.role !== after.role) entries.push({ action: 'staff.role', details: { from: before.role, to: after.role } });
  if (before.active !== after.active) entries.push({ action: after.active ? 'staff.reactivate' : 'staff.deactivate', details: {} });
  return entries;
}
