import { Module } from '@nestjs/common';
import { GatesModule } from '../gates/gates.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { EntriesRepository } from './entries.repository.js';
import { EntriesService } from './entries.service.js';
import { EntryEvents } from './entry-events.js';
import { GateEventIngestJob } from './gate-event-ingest.job.js';
import { GateKeyCache } from './gate-key-cache.js';
import { IngestStatusController } from './ingest-status.controller.js';
import { IngestStatusService } from './ingest-status.service.js';
import { GateSignatureVerifier } from './signature-verifier.js';

/**
 * Entries: the gate-events queue's worker (batched inserts, conflict flags, dead letters), the gate_event table, the
 * announcement of newly stored entries and the ingestion status.
 */
@Module({
  imports: [GatesModule, IdentityModule],
  controllers: [IngestStatusController],
  providers: [EntriesRepository, EntriesService, EntryEvents, GateKeyCache, GateEventIngestJob, IngestStatusService, GateSignatureVerifier],
  exports: [EntriesService, EntryEvents],
})
export class EntriesModule {}
