import { describe, expect, it } from '@jest/globals';
import { injectBuild, precacheUrls } from './precache.js';

describe('service worker build', () => {
  it('precaches the hashed assets and public files, not maps, the worker, index.html or the staff-only chart chunk', () => {
    expect(
      precacheUrls([
        'index.html',
        'sw.js',
        'assets/index-abc123.js',
        'assets/index-abc123.js.map',
        'assets/index-def456.css',
        'icons\\icon-192.png',
        'manifest.webmanifest',
        'assets/index-abc123.js',
        'assets/report-charts-Cu2j1p7x.js',
      ]),
    ).toEqual(['/assets/index-abc123.js', '/assets/index-def456.css', '/icons/icon-192.png', '/manifest.webmanifest']);
  });

  it('replaces the BUILD line with the version and list, and refuses a worker without one', () => {
    const source = "'use strict';\nconst BUILD = { version: 'dev', precache: [] };\nconst X = `${BUILD.version}`;\n";
    const out = injectBuild(source, { version: 'v1$&', precache: ['/a.js'] });
    expect(out).toContain('const BUILD = {"version":"v1$&","precache":["/a.js"]};');
    expect(out).toContain('const X = `${BUILD.version}`;');
    expect(() => injectBuild('nothing here', { version: 'v', precache: [] })).toThrow(/BUILD/);
  });
});
