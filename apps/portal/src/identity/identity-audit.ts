import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../admin/audit.service.js';
import type { AuditActorType, AuditOutcome } from '../admin/audit-event.entity.js';
import { isIdentityException } from './identity.exception.js';
import { IdentityMailer, type IdentityMail } from './identity-mailer.js';

export interface RequestContext {
  ip?: string | null;
  userAgent?: string | null;
}

/** Side effects every identity flow shares: the audit line and the mail sent without making the caller wait. */
@Injectable()
export class IdentityEffects {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly audit: AuditService,
    private readonly mailer: IdentityMailer,
  ) {}

  async record(event: {
    actorType: AuditActorType;
    actorId?: string | null;
    action: string;
    outcome: AuditOutcome;
    context: RequestContext;
    targetType?: string;
    targetId?: string;
    details?: Record<string, unknown>;
  }): Promise<void> {
    await this.audit.record({
      actorType: event.actorType,
      actorId: event.actorId ?? null,
      action: event.action,
      outcome: event.outcome,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      ip: event.context.ip ?? null,
      details: event.details,
    });
  }

  /** The failure reason of an identity error, for the audit line. */
  reason(error: unknown): string {
    return isIdentityException(error) ? error.code : 'error';
  }

  /**
   * Sends without awaiting: an answer must take as long for an unregistered email (no mail) as for a
   * registered one. A failed send is logged; the person can ask for the code again.
   */
  sendInBackground(mail: IdentityMail): void {
    this.mailer.send(mail).catch((error: unknown) => {
      this.logger.error({ msg: 'identity mail not sent', template: mail.template, err: error });
    });
  }
}
