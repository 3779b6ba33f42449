import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import type { SubjectType } from './roles.js';
import { SessionEntity } from './session.entity.js';

export type NewSession = Omit<SessionEntity, 'publicId' | 'revokedAt' | 'revokedReason' | 'reauthenticatedAt'>;

@Injectable()
export class SessionRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  async insert(session: NewSession): Promise<SessionEntity> {
    await this.sessions.insert({ ...session, revokedAt: null, revokedReason: null, reauthenticatedAt: null });
    return this.sessions.findOneByOrFail({ id: session.id });
  }

  findById(id: Buffer): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ id });
  }

  async touch(id: Buffer, lastSeenAt: Date): Promise<void> {
    await this.sessions.update({ id, revokedAt: IsNull() }, { lastSeenAt });
  }

  async revoke(id: Buffer, at: Date, reason: string): Promise<void> {
    await this.sessions.update({ id, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason });
  }

  async markReauthenticated(id: Buffer, at: Date): Promise<boolean> {
    const result = await this.sessions.update({ id, revokedAt: IsNull() }, { reauthenticatedAt: at });
    return (result.affected ?? 0) === 1;
  }

  /** Ends every open session of the subject except the one with id `keep`. */
  async revokeOthersOf(subjectType: SubjectType, subjectId: string, keep: Buffer, at: Date, reason: string): Promise<number> {
    const result = await this.sessions
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: at, revokedReason: reason })
      .where('subject_type = :subjectType AND subject_id = :subjectId AND revoked_at IS NULL AND id <> :keep', {
        subjectType,
        subjectId,
        keep,
      })
      .execute();
    return result.affected ?? 0;
  }

  async revokeAllOf(subjectType: SubjectType, subjectId: string, at: Date, reason: string): Promise<number> {
    const result = await this.sessions.update({ subjectType, subjectId, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason });
    return result.affected ?? 0;
  }

  /** Not revoked and not past their absolute end, newest first (the idle rule is the service's). */
  findOpenOf(subjectType: SubjectType, subjectId: string, now: Date): Promise<SessionEntity[]> {
    return this.sessions.find({
      where: { subjectType, subjectId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC' },
    });
  }
}
