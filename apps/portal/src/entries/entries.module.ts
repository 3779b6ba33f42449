import { Module } from '@nestjs/common';
import { GatesModule } from '../gates/gates.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { EntriesRepository } from './entries.repository.js';
import { EntriesService } from './entries.service.js';
import { EntryEvents } from './entry-events.js';
import { GateEventIngestJob } from './gate-event-ingest.job.js';
import { GateKeyCache } from './gate-key-cache.js';

/** Entries: the gate-events queue's worker, the gate_event table and the announcement of newly stored entries. */
@Module({
  imports: [GatesModule, IdentityModule],
  providers: [EntriesRepository, EntriesService, EntryEvents, GateKeyCache, GateEventIngestJob],
  exports: [EntriesService, EntryEvents],
})
export class EntriesModule {}
