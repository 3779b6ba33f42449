import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MailLocale } from './alumni-account.entity.js';

export type CodePurpose =
  | 'sign-in'
  | 'email-verification'
  | 'staff-sign-in'
  | 'reauthentication'
  | 'email-change'
  | 'social-link'
  | 'netid-recovery'
  | 'netid-registration';

/** One request for a code; the id is the request id the code is bound to. */
@Entity({ name: 'one_time_code' })
export class OneTimeCodeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  purpose!: CodePurpose;

  /** The account the code signs in to; null when the email is not registered (no code was sent). */
  @Column({ name: 'subject_id', type: 'uuid', nullable: true })
  subjectId!: string | null;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  locale!: MailLocale;

  /** HMAC of request id and code; null when no code was sent. */
  @Column({ name: 'code_hash', type: 'bytea', nullable: true })
  codeHash!: Buffer | null;

  @Column({ name: 'failed_tries', type: 'integer' })
  failedTries!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;
}
