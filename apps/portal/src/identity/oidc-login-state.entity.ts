import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An OIDC sign-in in progress: what the callback must check. Staff: the id is the HMAC of the browser cookie's
 * handle. Social: the id is the HMAC of the state (see SocialLoginStates).
 */
@Entity({ name: 'oidc_login_state' })
export class OidcLoginStateEntity {
  @PrimaryColumn({ type: 'bytea' })
  id!: Buffer;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'text' })
  nonce!: string;

  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Social sign-in only: the provider (google, microsoft, apple, wechat); null for staff sign-in. */
  @Column({ type: 'text', nullable: true })
  provider?: string | null;

  /**
   * Social sign-in only: the HMAC of the handle in the browser's cookie. Social rows are found by their state
   * (Apple posts its answer cross-site, where a SameSite=Lax cookie is not sent), and must still match the browser.
   */
  @Column({ name: 'browser_binding', type: 'bytea', nullable: true })
  browserBinding?: Buffer | null;
}
