import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role, SubjectType } from './roles.js';

/** A server-side session. The cookie holds a random token; this row holds only its HMAC (the id). */
@Entity({ name: 'auth_session' })
export class SessionEntity {
  @PrimaryColumn({ type: 'bytea' })
  id!: Buffer;

  @Column({ name: 'public_id', type: 'uuid', insert: false })
  publicId!: string;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType!: SubjectType;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  /** Absolute end, however active the session is. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  /** When the person last proved themselves again with a fresh code in this session (re-authentication). */
  @Column({ name: 'reauthenticated_at', type: 'timestamptz', nullable: true })
  reauthenticatedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;
}
