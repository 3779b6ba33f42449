import { cliActorId } from '../core/cli-actor.js';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from '../admin/audit-event.entity.js';
import { AuditRepository } from '../admin/audit.repository.js';
import { AuditService } from '../admin/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { Clock } from '../identity/clock.js';
import { GateAdminService } from './gate-admin.service.js';
import { GatesRepository } from './gates.repository.js';
import { GatesService } from './gates.service.js';

export interface GatesCommandIo {
  write(text: string): void;
}

/**
 * `npm run portal -- gates:create --name "North 1"`: creates a pending gate and prints its one-time enrollment
 * code (shown only here; the database keeps its keyed hash). `config` must have APP_SECRET resolved.
 */
export async function runGatesCreate(
  dataSource: DataSource,
  config: AppConfig,
  options: { name: string },
  io: GatesCommandIo,
): Promise<string> {
  const audit = new AuditService(new AuditRepository(dataSource.getRepository(AuditEventEntity)));
  const repository = new GatesRepository(dataSource);
  const clock = new Clock();
  const admin = new GateAdminService(config, repository, new GatesService(repository, audit, clock), audit, clock);
  const { gate, code, expiresAt } = await admin.createGate(options.name, { type: 'system', id: cliActorId() });
  io.write(`Gate "${gate.name}" created (id ${gate.id}), waiting for enrollment.\n`);
  io.write(`Enrollment code: ${code}\n`);
  io.write(`Valid until ${expiresAt.toISOString()} (24 hours), once. Enter it on the gate with the portal URL.\n`);
  return code;
}
