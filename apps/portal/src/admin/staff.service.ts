import { ConflictException, Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ROLES, STAFF_ROLES, type StaffRole } from '../identity/roles.js';
import { AuditService } from './audit.service.js';
import type { StaffAccountEntity } from './staff-account.entity.js';
import { generatePassword, hashPassword, passwordProblem } from './staff-password.js';
import { StaffRepository } from './staff.repository.js';

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
}

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value) && (ROLES as readonly string[]).includes(value);
}
