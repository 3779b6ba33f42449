import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An OIDC sign-in in progress: what the callback must check. The id is the HMAC of the browser cookie's handle. */
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
}
