import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const KEY_PURPOSES = ['pass', 'bundle'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];
export const KEY_STATUSES = ['next', 'active', 'retired', 'revoked'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** One Ed25519 signing key. The private half is only ever stored sealed (see private-key-cipher.ts). */
@Entity({ name: 'signing_key' })
export class SigningKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  purpose!: KeyPurpose;

  /** Hex of the first 8 bytes of SHA-256(public key), as carried in passes. */
  @Column({ type: 'text' })
  kid!: string;

  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  @Column({ name: 'private_key_nonce', type: 'bytea', select: false })
  privateKeyNonce!: Buffer;

  @Column({ name: 'private_key_sealed', type: 'bytea', select: false })
  privateKeySealed!: Buffer;

  @Column({ name: 'private_key_tag', type: 'bytea', select: false })
  privateKeyTag!: Buffer;

  @Column({ type: 'text' })
  status!: KeyStatus;

  /** First campus day whose passes this key may sign (pass keys). */
  @Column({ name: 'not_before_day', type: 'integer', nullable: true })
  notBeforeDay!: number | null;

  /** Last campus day whose passes this key may sign; set when it is retired (pass keys). */
  @Column({ name: 'not_after_day', type: 'integer', nullable: true })
  notAfterDay!: number | null;

  /** The latest campus day a pass signed with this key is valid for: decides when a retired key leaves the bundle. */
  @Column({ name: 'last_signed_day', type: 'integer', nullable: true })
  lastSignedDay!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** Why the key was revoked (compromise): required with the revocation, shown to operators. */
  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason!: string | null;
}
