import { createTweetnaclVerifier, type SignatureVerifier } from '@campuspass/pass-token';
import { createNodeVerifier } from '@campuspass/pass-token/node';
import type { GateConfig } from '../config/gate-config.schema.js';

export type SignatureVerifierName = GateConfig['policy']['signatureVerifier'];

/** The Ed25519 verifier named in the gate config (`policy.signatureVerifier`). */
export function createSignatureVerifier(name: SignatureVerifierName): SignatureVerifier {
  switch (name) {
    case 'node-crypto':
      return createNodeVerifier();
    case 'tweetnacl':
      return createTweetnaclVerifier();
    default: {
      const unknownName: never = name;
      throw new Error(`unknown signature verifier ${String(unknownName)}; expected node-crypto or tweetnacl`);
    }
  }
}
