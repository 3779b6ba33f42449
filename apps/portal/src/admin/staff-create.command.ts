import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { StaffAccountEntity } from './staff-account.entity.js';
import { StaffRepository } from './staff.repository.js';
import { StaffService } from './staff.service.js';

export interface StaffCreateOptions {
  email: string;
  name: string;
  role: string;
}

export interface StaffCreateIo {
  /** The password is read from here when it is not a terminal (e.g. `… < password.txt` or a pipe). */
  stdin: Readable & { isTTY?: boolean };
  write(text: string): void;
}

/**
 * `npm run portal -- staff:create --email … --role aao-admin --name …`: creates a staff account. The password
 * comes from stdin when it is piped in; otherwise a random one is generated and printed once.
 */
export async function runStaffCreate(dataSource: DataSource, options: StaffCreateOptions, io: StaffCreateIo): Promise<void> {
  const piped = io.stdin.isTTY ? undefined : (await readAll(io.stdin)).replace(/\r?\n$/, '');
  const service = new StaffService(
    new StaffRepository(dataSource.getRepository(StaffAccountEntity)),
    new AuditService(new AuditRepository(dataSource.getRepository(AuditEventEntity))),
  );
  const { account, generatedPassword } = await service.create({ ...options, password: piped || undefined }, { type: 'system' });
  io.write(`Created staff account ${account.email} (${account.role}, id ${account.id}).\n`);
  if (generatedPassword) {
    io.write(`Password (shown only this once; give it to ${account.name} over a safe channel): ${generatedPassword}\n`);
  }
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}
