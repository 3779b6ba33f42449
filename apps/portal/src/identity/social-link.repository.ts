import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LessThan, type Repository } from 'typeorm';
import { SocialIdentityLinkEntity, SocialPendingLinkEntity } from './social-link.entity.js';

export type NewSocialLink = Omit<SocialIdentityLinkEntity, 'id' | 'lastUsedAt'>;

@Injectable()
export class SocialLinkRepository {
  constructor(
    @InjectRepository(SocialIdentityLinkEntity) private readonly links: Repository<SocialIdentityLinkEntity>,
    @InjectRepository(SocialPendingLinkEntity) private readonly pending: Repository<SocialPendingLinkEntity>,
  ) {}

  findByIssuerAndSubject(issuer: string, subject: string): Promise<SocialIdentityLinkEntity | null> {
    return this.links.findOneBy({ issuer, subject });
  }

  async touch(link: SocialIdentityLinkEntity, now: Date): Promise<void> {
    await this.links.update({ issuer: link.issuer, subject: link.subject }, { lastUsedAt: now });
  }

  /**
   * Stores the link unless (issuer, subject) is already linked: returns the account it belongs to then (the
   * same account when a double submit raced, another one when someone else linked it first).
   */
  async insertOrExisting(link: NewSocialLink): Promise<{ created: boolean; accountId: string }> {
    const rows = (await this.links.query(
      `INSERT INTO social_identity_link (id, issuer, subject, provider, account_id, email_seen, display_name, created_at, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (issuer, subject) DO NOTHING
       RETURNING account_id`,
      [randomUUID(), link.issuer, link.subject, link.provider, link.accountId, link.emailSeen, link.displayName, link.createdAt],
    )) as { account_id: string }[];
    if (rows.length > 0) return { created: true, accountId: link.accountId };
    const existing = await this.findByIssuerAndSubject(link.issuer, link.subject);
    return { created: false, accountId: existing?.accountId ?? link.accountId };
  }

  listForAccount(accountId: string): Promise<SocialIdentityLinkEntity[]> {
    return this.links.find({ where: { accountId }, order: { createdAt: 'ASC' } });
  }

  /** Removes a link of this account only; false when the account has no link with that id. */
  async removeForAccount(accountId: string, id: string): Promise<SocialIdentityLinkEntity | null> {
    const link = await this.links.findOneBy({ id, accountId });
    if (!link) return null;
    await this.links.delete({ id, accountId });
    return link;
  }

  async insertPending(row: SocialPendingLinkEntity): Promise<void> {
    await this.pending.delete({ expiresAt: LessThan(row.createdAt) });
    await this.pending.insert(row);
  }

  findPending(id: Buffer): Promise<SocialPendingLinkEntity | null> {
    return this.pending.findOneBy({ id });
  }

  async setPendingRequest(id: Buffer, requestId: string): Promise<void> {
    await this.pending.update({ id }, { requestId });
  }

  async removePending(id: Buffer): Promise<void> {
    await this.pending.delete({ id });
  }
}
