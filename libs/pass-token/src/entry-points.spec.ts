// The main entry runs in browsers: nothing reachable from index.ts may import a node: module.
// Only node.ts (exported as '@campuspass/pass-token/node') and the CLI may.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mainEntry from '@campuspass/pass-token';
import * as nodeEntry from '@campuspass/pass-token/node';

const SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));
const IMPORT_PATTERN = /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm;

/** Every module specifier imported by `file` and, transitively, by the local files it imports. */
function importsReachableFrom(file: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [file];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (files.has(current)) continue;
    files.add(current);
    for (const [, specifier] of readFileSync(join(SOURCE_DIR, current), 'utf8').matchAll(IMPORT_PATTERN)) {
      if (specifier!.startsWith('./')) pending.push(specifier!.slice(2).replace(/\.js$/, '.ts'));
      else packages.add(specifier!);
    }
  }
  return { files, packages };
}

describe('entry points', () => {
  it('the main entry reaches no node: module and no node-only file', () => {
    const { files, packages } = importsReachableFrom('index.ts');
    expect([...packages].sort()).toEqual(['@noble/hashes/sha2.js', 'tweetnacl']);
    expect(files).not.toContain('node.ts');
    expect(files).not.toContain('inspect-command.ts');
    expect(files.size).toBeGreaterThan(5); // the walk really followed the imports
  });

  it('the node entry is where node:crypto comes in', () => {
    expect(importsReachableFrom('node.ts').packages).toContain('node:crypto');
  });

  it('the main entry exports the browser API and the node entry the node:crypto backend', () => {
    expect(Object.keys(mainEntry)).toEqual(
      expect.arrayContaining([
        'encodePass',
        'decodePass',
        'verifyPass',
        'KeySet',
        'kidOf',
        'campusDayOf',
        'createTweetnaclSigner',
        'createTweetnaclVerifier',
        'PassTokenError',
        'isPassTokenError',
      ]),
    );
    expect(Object.keys(mainEntry)).not.toContain('createNodeSigner');
    expect(Object.keys(nodeEntry).sort()).toEqual(['createNodeSigner', 'createNodeVerifier', 'generateKeyPair']);
  });
});
