import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { StaffIdentityLinkEntity } from './staff-identity-link.entity.js';

@Injectable()
export class StaffIdentityLinkRepository {
  constructor(@InjectRepository(StaffIdentityLinkEntity) private readonly links: Repository<StaffIdentityLinkEntity>) {}

  findByIssuerAndSubject(issuer: string, subject: string): Promise<StaffIdentityLinkEntity | null> {
    return this.links.findOneBy({ issuer, subject });
  }

  /** Links (issuer, subject) to the staff account, or notes its use; an existing link to another account stays. */
  async linkOrTouch(issuer: string, subject: string, staffId: string, now: Date): Promise<void> {
    await this.links.query(
      `INSERT INTO staff_identity_link (issuer, subject, staff_id, created_at, last_used_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (issuer, subject) DO UPDATE SET last_used_at = EXCLUDED.last_used_at
       WHERE staff_identity_link.staff_id = EXCLUDED.staff_id`,
      [issuer, subject, staffId, now],
    );
  }
}
