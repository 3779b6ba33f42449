import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SOCIAL_PROVIDERS = ['google', 'microsoft', 'apple', 'wechat'] as const;
export type SocialProvider = (typeof SOCIAL_PROVIDERS)[number];

/** An alumni account's link to a social account, keyed by (issuer, subject): one social account, one alumni account. */
@Entity({ name: 'social_identity_link' })
export class SocialIdentityLinkEntity {
  @PrimaryColumn({ type: 'text' })
  issuer!: string;

  /** The provider's subject; WeChat: the unionid where present, else the openid. */
  @PrimaryColumn({ type: 'text' })
  subject!: string;

  /** Public id (for listing and removing on the profile page). */
  @Column({ type: 'uuid', unique: true })
  id!: string;

  @Column({ type: 'text' })
  provider!: SocialProvider;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** The email the provider showed when the link was made: shown only, never used to find an account. */
  @Column({ name: 'email_seen', type: 'text', nullable: true })
  emailSeen!: string | null;

  /** Apple sends the name once, with the first sign-in: it is kept here. WeChat: the nickname. */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt!: Date;
}

/** A first social sign-in waiting for the registered email and its code. The id is the HMAC of the cookie's handle. */
@Entity({ name: 'social_pending_link' })
export class SocialPendingLinkEntity {
  @PrimaryColumn({ type: 'bytea' })
  id!: Buffer;

  @Column({ type: 'text' })
  provider!: SocialProvider;

  @Column({ type: 'text' })
  issuer!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'email_seen', type: 'text', nullable: true })
  emailSeen!: string | null;

  @Column({ name: 'email_verified', type: 'boolean' })
  emailVerified!: boolean;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  /** The one-time code request sent to the email the alumnus entered; null until then. */
  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
