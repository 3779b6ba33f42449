import { Module } from '@nestjs/common';
import { GatesModule } from '../gates/gates.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { EntriesRepository } from './entries.repository.js';
import { EntriesService } from './entries.service.js';
import { GateEventIngestJob } from './gate-event-ingest.job.js';
import { GateKeyCache } from './gate-key-cache.js';

/** Entries: the gate-events queue's worker and the gate_event table (issue 5); dashboards come later. */
@Module({
  imports: [GatesModule, IdentityModule],
  providers: [EntriesRepository, EntriesService, GateKeyCache, GateEventIngestJob],
  exports: [EntriesService],
})
export class EntriesModule {}
