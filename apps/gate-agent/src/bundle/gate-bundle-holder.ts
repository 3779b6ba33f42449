import type { BundleStateStore } from '../store/store.ports.js';
import { BundleError } from './bundle.error.js';
import { openSignedBundle, type PinnedBundleKey } from './bundle-signature.js';
import { applyBundle, type BundleClock, type BundleState } from './bundle-state.js';
import { deserializeBundleState, serializeBundleState } from './bundle-state-codec.js';

export interface GateBundleHolderOptions {
  readonly gateId: string;
  readonly pinnedKey: PinnedBundleKey;
  readonly store: BundleStateStore;
  readonly clock: BundleClock;
  readonly maxFutureSeconds?: number;
}

export type RestoreOutcome =
  | { readonly status: 'restored'; readonly version: number }
  | { readonly status: 'empty' }
  | { readonly status: 'corrupt'; readonly error: BundleError };

export interface AcceptOutcome {
  readonly state: BundleState;
  /** The portal's signed clock reading from this bundle: hand it to the TrustedClock when it was just fetched. */
  readonly portalTime: Date;
}

/**
 * Holds the bundle state a gate decides with: restores it from the cache at start-up and replaces it only with
 * a bundle that verified and applied cleanly, saved durably before it is used.
 */
export class GateBundleHolder {
  #state: BundleState | undefined;

  constructor(private readonly options: GateBundleHolderOptions) {}

  /** The state to decide with, or undefined ('no-bundle'). */
  current(): BundleState | undefined {
    return this.#state;
  }

  /** Loads the cached state. A corrupt cache is refused: the gate runs with no bundle until the next pull. */
  restore(): RestoreOutcome {
    const cached = this.options.store.load();
    if (cached === undefined) {
      this.#state = undefined;
      return { status: 'empty' };
    }
    try {
      this.#state = deserializeBundleState(cached.stateJson, { gateId: this.options.gateId, version: cached.version });
      return { status: 'restored', version: cached.version };
    } catch (error) {
      this.#state = undefined;
      if (error instanceof BundleError) return { status: 'corrupt', error };
      throw error;
    }
  }

  /** Verifies, applies and saves a SignedGateBundle envelope. Throws BundleError; the held state is then unchanged. */
  accept(envelope: unknown): AcceptOutcome {
    const bundle = openSignedBundle(envelope, this.options.pinnedKey);
    const next = applyBundle(this.#state, bundle, {
      gateId: this.options.gateId,
      clock: this.options.clock,
      ...(this.options.maxFutureSeconds === undefined ? {} : { maxFutureSeconds: this.options.maxFutureSeconds }),
    });
    this.options.store.save(next.version, serializeBundleState(next));
    this.#state = next;
    return { state: next, portalTime: next.issuedAt };
  }
}
