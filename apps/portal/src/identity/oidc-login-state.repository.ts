import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { OidcLoginStateEntity } from './oidc-login-state.entity.js';

@Injectable()
export class OidcLoginStateRepository {
  constructor(@InjectRepository(OidcLoginStateEntity) private readonly states: Repository<OidcLoginStateEntity>) {}

  async insert(row: OidcLoginStateEntity): Promise<void> {
    await this.states.insert(row);
  }

  /** Removes and returns the state (single use: a second callback with the same cookie finds nothing). */
  async take(id: Buffer): Promise<OidcLoginStateEntity | null> {
    const [rows] = (await this.states.query(
      `DELETE FROM oidc_login_state WHERE id = $1
       RETURNING state, nonce, code_verifier AS "codeVerifier", created_at AS "createdAt", expires_at AS "expiresAt",
                 provider, browser_binding AS "browserBinding"`,
      [id],
    )) as [Omit<OidcLoginStateEntity, 'id'>[], number];
    return rows[0] ? { id, ...rows[0] } : null;
  }
}
