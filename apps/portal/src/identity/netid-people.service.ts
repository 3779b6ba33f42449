import { Injectable } from '@nestjs/common';
import { Clock } from './clock.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { NetIdRepository, type PersonNetId } from './netid-repository.js';
import { normaliseNetId } from './netid-rules.js';

export interface PersonNetIds {
  netIds: Array<PersonNetId & { confirmed: boolean }>;
  confirmedNetId: string | null;
}

/**
 * A person with more than one NetID (several degrees, or a Student NetID and an Alumni NetID) is one person: the
 * AAO sees every NetID of the person and confirms which one is the Alumni NetID (FAQ 8), audited.
 */
@Injectable()
export class NetIdPeopleService {
  constructor(
    private readonly netIds: NetIdRepository,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {}

  async list(graduateId: string): Promise<PersonNetIds> {
    const netIds = await this.netIds.netIdsOfPerson(graduateId);
    if (!netIds) throw unknownGraduate();
    const confirmation = await this.netIds.confirmation(graduateId);
    const confirmedNetId = confirmation && netIds.some((item) => item.netId === confirmation.netId) ? confirmation.netId : null;
    return { netIds: netIds.map((item) => ({ ...item, confirmed: item.netId === confirmedNetId })), confirmedNetId };
  }

  async confirm(graduateId: string, netIdInput: string, staffId: string, context: RequestContext): Promise<PersonNetIds> {
    const netIds = await this.netIds.netIdsOfPerson(graduateId);
    if (!netIds) throw unknownGraduate();
    const netId = normaliseNetId(netIdInput);
    if (!netId || !netIds.some((item) => item.netId === netId)) {
      throw new IdentityException(
        'netid-unknown',
        `${JSON.stringify(netIdInput.slice(0, 40))} is not one of this person's NetIDs (${netIds.map((item) => item.netId).join(', ') || 'none'}).`,
      );
    }
    const previous = await this.netIds.confirmation(graduateId);
    await this.netIds.confirm(graduateId, netId, staffId, this.clock.now());
    await this.effects.record({
      actorType: 'staff',
      actorId: staffId,
      action: 'staff.netid.confirm-alumni-netid',
      outcome: 'success',
      context,
      targetType: 'graduate',
      targetId: graduateId,
      details: { netId, previous: previous?.netId ?? null },
    });
    return this.list(graduateId);
  }
}

function unknownGraduate(): IdentityException {
  return new IdentityException('netid-unknown', 'There is no graduate with this id in the registry.');
}
