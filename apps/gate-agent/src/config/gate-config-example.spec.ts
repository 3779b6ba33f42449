import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { isRecord, objectSchemaFor, unionVariants } from './config-schema-keys.js';
import { gateConfigSchema } from './gate-config.schema.js';
import { loadGateConfig } from './load-gate-config.js';

// The example file is the configuration's documentation. These tests keep it honest: it must validate, every
// key of the schema must appear in it (set, or commented out where it is optional), and each commented-out
// alternative block must itself be valid and complete.

const firmwareConfig = resolve(import.meta.dirname, '../../../../firmware-config');
const examplePath = join(firmwareConfig, 'gate.example.yaml');
const minimalPath = join(firmwareConfig, 'gate.minimal.yaml');

const topLevelKeys = Object.keys(gateConfigSchema.shape);

interface AlternativeBlock {
  section: string;
  line: number;
  value: unknown;
}

/**
 * Blocks written as "# section:" at column 0 followed by lines "#   …": a commented-out YAML snippet showing
 * another choice for a top-level section. Uncommented by removing the first two characters.
 */
function alternativeBlocks(text: string): AlternativeBlock[] {
  const lines = text.split('\n');
  const blocks: AlternativeBlock[] = [];
  lines.forEach((line, index) => {
    const header = /^# ([A-Za-z]+):\s*$/.exec(line);
    if (!header) return;
    const body: string[] = [];
    for (let next = index + 1; next < lines.length && (lines[next] ?? '').startsWith('#  '); next += 1) {
      body.push((lines[next] ?? '').slice(2));
    }
    const parsed = parse([line.slice(2), ...body].join('\n'), { uniqueKeys: true }) as Record<string, unknown>;
    blocks.push({ section: header[1] ?? '', line: index + 1, value: parsed[header[1] ?? ''] });
  });
  return blocks;
}

/** Dotted paths of schema keys not written in `value`, following the variants `value` selects. */
function keysNotWritten(schema: z.ZodType, value: unknown, path: string[]): string[] {
  const object = objectSchemaFor(schema, value);
  if (!object) return [];
  return Object.entries(object.shape).flatMap(([key, child]) => {
    const childValue = isRecord(value) ? value[key] : undefined;
    return childValue === undefined ? [[...path, key].join('.')] : keysNotWritten(child as z.ZodType, childValue, [...path, key]);
  });
}

/** Whether a nested key is shown commented out ("  # key: value") inside its section, at its own indentation. */
function isCommentedOutInPlace(text: string, dottedPath: string): boolean {
  const segments = dottedPath.split('.');
  const lines = text.split('\n');
  let start = 0;
  let end = lines.length;
  for (const [depth, segment] of segments.slice(0, -1).entries()) {
    const indent = ' '.repeat(depth * 2);
    const at = lines.findIndex((line, index) => index >= start && index < end && line.startsWith(`${indent}${segment}:`));
    if (at < 0) return false;
    start = at + 1;
    // The section ends at the next key at its own indentation or shallower; comments belong to it.
    const after = lines.findIndex((line, index) => {
      if (index < start || line.trim() === '' || line.trimStart().startsWith('#')) return false;
      return line.length - line.trimStart().length <= depth * 2;
    });
    end = after < 0 ? lines.length : after;
  }
  const indent = ' '.repeat((segments.length - 1) * 2);
  const key = segments[segments.length - 1];
  return lines.slice(start, end).some((line) => line.startsWith(`${indent}# ${key}:`));
}

/** Every way the example fails to document the schema; empty when it documents all of it. */
function documentationGaps(text: string): string[] {
  const active: unknown = parse(text, { uniqueKeys: true });
  const blocks = alternativeBlocks(text);
  const gaps: string[] = [];

  for (const path of keysNotWritten(gateConfigSchema, active, [])) {
    const isTopLevel = !path.includes('.');
    const documented = isTopLevel ? blocks.some((block) => block.section === path) : isCommentedOutInPlace(text, path);
    if (!documented) gaps.push(`${path}: neither set nor shown commented out`);
  }

  for (const block of blocks) {
    const schema = gateConfigSchema.shape[block.section as keyof typeof gateConfigSchema.shape] as z.ZodType | undefined;
    if (!schema) {
      gaps.push(`line ${block.line}: "# ${block.section}:" is not a configuration section`);
      continue;
    }
    for (const path of keysNotWritten(schema, block.value, [block.section])) {
      gaps.push(`line ${block.line}: alternative ${block.section} block does not show ${path}`);
    }
  }

  for (const section of topLevelKeys) {
    const union = unionVariants(gateConfigSchema.shape[section as keyof typeof gateConfigSchema.shape] as z.ZodType);
    if (!union || !isRecord(active)) continue;
    const shown = [active[section], ...blocks.filter((block) => block.section === section).map((block) => block.value)];
    const shownTypes = new Set(shown.map((value) => (isRecord(value) ? value[union.discriminator] : undefined)));
    for (const type of union.variants.keys()) {
      if (!shownTypes.has(type)) gaps.push(`${section}: type ${type} is not shown`);
    }
  }
  return gaps;
}

describe('firmware-config/gate.example.yaml', () => {
  let text: string;

  beforeAll(async () => {
    text = await readFile(examplePath, 'utf8');
  });

  it('validates and describes a Pi 4 with a USB camera and an LCUS-1 relay board', async () => {
    const config = await loadGateConfig(examplePath);

    expect(config.portal.url).toBe('https://campuspass.example.edu');
    expect(config.portal.enrollmentCode).toEqual(expect.any(String));
    expect(config.input).toEqual({ type: 'ffmpeg', device: '/dev/video0', width: 640, height: 480, fps: 15, inputFormat: 'auto' });
    expect(config.relay).toEqual({ type: 'serial', path: '/dev/ttyUSB0', board: 'lcus-1', channel: 1, baudRate: 9600, pulseMs: 500 });
    expect(config.passageSensor).toMatchObject({ type: 'gpio', bcmPin: 6, activeLow: true });
    expect(config.indicator).toEqual({ type: 'gpio', greenPin: 22, redPin: 23, buzzerPin: 24, activeLow: false });
    expect(config.fireInput).toBeUndefined();
    expect(config.guardPage).toEqual({ host: '127.0.0.1', port: 8080 });
  });

  it('sets or shows every key of the schema', () => {
    expect(documentationGaps(text)).toEqual([]);
  });

  it('notices a key that is missing from it', () => {
    const withoutJitter = text.replace(/^ {2}jitterPercent: .*\n/m, '');
    expect(withoutJitter).not.toBe(text);
    expect(documentationGaps(withoutJitter)).toEqual(['sync.jitterPercent: neither set nor shown commented out']);
  });

  it('notices an optional key that is neither set nor commented out in its section', () => {
    const withoutGateId = text.replace(/^ {2}# id: .*\n/m, '');
    expect(withoutGateId).not.toBe(text);
    expect(documentationGaps(withoutGateId)).toEqual(['gate.id: neither set nor shown commented out']);
  });

  it('notices a variant that is not shown', () => {
    const withoutRpicam = text.replace(/^# input:\n# {3}# rpicam:[^]*?\n\n/m, '\n');
    expect(withoutRpicam).not.toBe(text);
    expect(documentationGaps(withoutRpicam)).toEqual(['input: type rpicam is not shown']);
  });

  it('notices an alternative block that misses a key', () => {
    const withoutLoop = text.replace(/^# {3}loop: .*\n/m, '');
    expect(withoutLoop).not.toBe(text);
    expect(documentationGaps(withoutLoop)).toEqual([expect.stringMatching(/alternative input block does not show input\.loop$/)]);
  });

  it('shows alternatives that are each valid in place of the active section', () => {
    const active = parse(text, { uniqueKeys: true }) as Record<string, unknown>;
    const blocks = alternativeBlocks(text);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const result = gateConfigSchema.safeParse({ ...active, [block.section]: block.value });
      expect({ line: block.line, issues: result.error?.issues ?? [] }).toEqual({ line: block.line, issues: [] });
    }
  });
});

describe('firmware-config/gate.minimal.yaml', () => {
  it('validates with only the portal URL set', async () => {
    const text = await readFile(minimalPath, 'utf8');
    expect(Object.keys(parse(text) as object)).toEqual(['portal']);

    const config = await loadGateConfig(minimalPath);
    expect(config.portal.url).toBe('https://campuspass.example.edu');
    expect(config.relay.type).toBe('simulated');
  });
});
