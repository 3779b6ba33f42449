import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `pending`: created by the AAO, waiting for the gate to enroll with its one-time code (no key yet). */
export type GateStatus = 'pending' | 'active' | 'revoked';

/** A gate: its identity key once enrolled (requests are signed with it), its policy, and what it was last served. */
@Entity({ name: 'gate' })
export class GateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Raw 32-byte Ed25519 public key of the gate's identity key; null until the gate enrolls. */
  @Column({ name: 'public_key', type: 'bytea', nullable: true })
  publicKey!: Buffer | null;

  @Column({ type: 'text' })
  status!: GateStatus;

  /** A `GatePolicy` (libs/contracts), validated with gatePolicySchema on every write and read. */
  @Column({ type: 'jsonb' })
  policy!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  /** bigint: read as a string by pg. */
  @Column({ name: 'last_bundle_version', type: 'bigint', nullable: true })
  lastBundleVersion!: string | null;

  /** HMAC of the one-time enrollment code (never the code itself); null once used, or for an enrolled gate. */
  @Column({ name: 'enrollment_code_hash', type: 'bytea', nullable: true })
  enrollmentCodeHash!: Buffer | null;

  @Column({ name: 'enrollment_expires_at', type: 'timestamptz', nullable: true })
  enrollmentExpiresAt!: Date | null;

  @Column({ name: 'enrolled_at', type: 'timestamptz', nullable: true })
  enrolledAt!: Date | null;

  @Column({ name: 'agent_version', type: 'text', nullable: true })
  agentVersion!: string | null;

  /** x-gate-timestamp of the last state-changing signed request accepted (bigint: a string from pg). */
  @Column({ name: 'last_request_timestamp', type: 'bigint', nullable: true })
  lastRequestTimestamp!: string | null;
}
