import { z } from 'zod';
import { bundleKeySchema, bundlePassSchema, bundleRevocationSchema, gatePolicySchema } from '@campuspass/contracts';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import { BundleState } from './bundle-state.js';

// The cached state is the gate's own file, but a cache is still outside input (a torn write, a disk error, a
// hand edit): it is re-validated field by field on load, with the same schemas as the signed bundle.

export const BUNDLE_STATE_FORMAT = 'campuspass.gate-bundle-state/1';

const storedStateSchema = z.strictObject({
  format: z.literal(BUNDLE_STATE_FORMAT),
  gateId: z.uuid(),
  gateName: z.string().min(1).max(200),
  version: z.number().int().positive(),
  issuedAt: z.iso.datetime({ offset: false }),
  campusDay: z.number().int().min(0).max(65535),
  keys: z.array(bundleKeySchema).min(1),
  policy: gatePolicySchema,
  revocations: z.array(bundleRevocationSchema),
  passes: z.array(bundlePassSchema),
});

export function serializeBundleState(state: BundleState): string {
  const data = state.toData();
  return JSON.stringify({ format: BUNDLE_STATE_FORMAT, ...data, issuedAt: data.issuedAt.toISOString() });
}

/**
 * Reads a cached state back. Throws BundleError(CorruptCache) naming what is wrong when the text is not JSON,
 * does not match the stored-state schema, belongs to another gate or disagrees with the version it was saved under.
 */
export function deserializeBundleState(stateJson: string, expected: { gateId: string; version: number }): BundleState {
  const corrupt = (what: string, cause?: unknown) =>
    new BundleError(
      BundleErrorCode.CorruptCache,
      `the cached bundle state is unusable (${what}); the gate waits for the next bundle from the portal`,
      {
        cause,
      },
    );
  let json: unknown;
  try {
    json = JSON.parse(stateJson);
  } catch (error) {
    throw corrupt('not JSON', error);
  }
  const parsed = storedStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(`${issue?.path.join('.') || 'state'}: ${issue?.message ?? 'invalid'}`);
  }
  const data = parsed.data;
  if (data.gateId !== expected.gateId) throw corrupt(`saved for gate ${data.gateId}, this gate is ${expected.gateId}`);
  if (data.version !== expected.version) throw corrupt(`holds version ${data.version} but was saved as version ${expected.version}`);
  try {
    return BundleState.create({ ...data, issuedAt: new Date(data.issuedAt) });
  } catch (error) {
    throw corrupt((error as Error).message, error);
  }
}
