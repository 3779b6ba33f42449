import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { GatesService, gatePublicKey } from '../gates/gates.service.js';

/** How long a gate's key is kept in memory before it is read again. */
export const GATE_KEY_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export type GateKeyLookup =
  | { readonly found: true; readonly key: KeyObject; readonly raw: Uint8Array; readonly status: 'active' | 'revoked' }
  | { readonly found: false; readonly why: 'unknown' | 'not-enrolled' };

/**
 * Identity keys of enrolled gates for the ingest worker, so a burst of events does not read the gate row for each
 * one. Only enrolled gates are cached (a gate that enrolls a moment after an unknown lookup is found at once),
 * for a few seconds; whether a gate is revoked is decided by the insert itself, from the live row.
 */
@Injectable()
export class GateKeyCache {
  private readonly entries = new Map<string, { readonly lookup: GateKeyLookup & { found: true }; readonly at: number }>();
  /** Lookups under way: a burst of a gate's events after start-up reads its row once, not once per job. */
  private readonly reading = new Map<string, Promise<GateKeyLookup>>();

  constructor(private readonly gates: GatesService) {}

  async lookup(gateId: string, now = Date.now()): Promise<GateKeyLookup> {
    const cached = this.entries.get(gateId);
    if (cached && now - cached.at < GATE_KEY_CACHE_TTL_MS) return cached.lookup;
    this.entries.delete(gateId);
    let reading = this.reading.get(gateId);
    if (!reading) {
      reading = this.read(gateId, now).finally(() => this.reading.delete(gateId));
      this.reading.set(gateId, reading);
    }
    return reading;
  }

  private async read(gateId: string, now: number): Promise<GateKeyLookup> {
    const gate = await this.gates.findGate(gateId);
    if (!gate) return { found: false, why: 'unknown' };
    if (gate.status === 'pending' || !gate.publicKey) return { found: false, why: 'not-enrolled' };
    const lookup = { found: true as const, key: gatePublicKey(gate.publicKey), raw: new Uint8Array(gate.publicKey), status: gate.status };
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(gateId, { lookup, at: now });
    return lookup;
  }
}
