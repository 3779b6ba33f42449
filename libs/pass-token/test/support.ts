// Helpers shared by the pass-token specs.
import { isPassTokenError, type PassTokenErrorReason } from '../src/errors.js';

/**
 * Runs `work` and returns 'accepted' or the PassTokenError reason it threw. Anything else thrown
 * propagates, failing the test: the library promises only PassTokenError.
 */
export function outcomeOf(work: () => unknown): PassTokenErrorReason | 'accepted' {
  try {
    work();
    return 'accepted';
  } catch (error) {
    if (isPassTokenError(error)) return error.reason;
    throw error;
  }
}
