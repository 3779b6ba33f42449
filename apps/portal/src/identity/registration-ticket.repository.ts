import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { RegistrationTicketEntity } from './registration-ticket.entity.js';

@Injectable()
export class RegistrationTicketRepository {
  constructor(@InjectRepository(RegistrationTicketEntity) private readonly tickets: Repository<RegistrationTicketEntity>) {}

  async insert(ticket: RegistrationTicketEntity): Promise<void> {
    await this.tickets.insert(ticket);
  }

  findById(id: Buffer): Promise<RegistrationTicketEntity | null> {
    return this.tickets.findOneBy({ id });
  }

  async setCodeRequest(id: Buffer, codeRequestId: string): Promise<void> {
    await this.tickets.update({ id }, { codeRequestId });
  }

  /** False when the ticket was used already (two verifications racing). */
  async markUsed(id: Buffer, at: Date): Promise<boolean> {
    const result = await this.tickets.update({ id, usedAt: IsNull() }, { usedAt: at });
    return (result.affected ?? 0) === 1;
  }
}
