import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { allowedKeysAt, isRecord } from './config-schema-keys.js';
import { GateConfigError, GateConfigErrorCode, type GateConfigProblem } from './gate-config.error.js';
import { type GateConfig, gateConfigSchema, SECRET_CONFIG_PATHS } from './gate-config.schema.js';

/** Environment variable that names the config file when `--config` is not given. */
export const GATE_CONFIG_ENV_VAR = 'CAMPUSPASS_GATE_CONFIG';
export const DEFAULT_GATE_CONFIG_PATH = '/etc/campuspass/gate.yaml';
const EXAMPLE_CONFIG = 'firmware-config/gate.example.yaml';
// Values never repeated in a message: secrets, and the portal URL, which a mistaken user:password@ would leak.
const NOT_ECHOED_PATHS = new Set([...SECRET_CONFIG_PATHS, 'portal.url']);

/** Where the config file is: `--config` first, then `CAMPUSPASS_GATE_CONFIG`, then the packaged default. */
export function resolveGateConfigPath(cliPath: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  // An empty value (e.g. `CAMPUSPASS_GATE_CONFIG=` in a systemd drop-in) means "not set", not "the cwd".
  const chosen = [cliPath, env[GATE_CONFIG_ENV_VAR]].find((candidate) => candidate !== undefined && candidate !== '');
  return resolve(cwd, chosen ?? DEFAULT_GATE_CONFIG_PATH);
}

/** Reads, parses and validates the gate's YAML configuration; throws {@link GateConfigError} naming every problem. */
export async function loadGateConfig(filePath: string): Promise<GateConfig> {
  const absolutePath = resolve(filePath);
  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch (error) {
    throw readError(absolutePath, error);
  }
  return parseGateConfig(text, absolutePath);
}

/** Parses and validates config text; `filePath` is only used in messages. */
export function parseGateConfig(text: string, filePath: string): GateConfig {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const invalidYaml = (problems: GateConfigProblem[]) =>
    new GateConfigError(GateConfigErrorCode.InvalidYaml, filePath, problems, `Gate config ${filePath} is not valid YAML:`);

  if (documents.length > 1) {
    const second = documents[1] as Document.Parsed;
    throw invalidYaml([
      {
        path: '',
        line: lineCounter.linePos(second.range[0]).line,
        message: `expected a single YAML document, found ${documents.length} (a "---" line starts another document; remove it)`,
      },
    ]);
  }
  const document = documents[0] as Document.Parsed | undefined;
  if (document) {
    const yamlProblems = [...document.errors, ...document.warnings].map((error) => yamlProblem(error, text));
    if (yamlProblems.length > 0) throw invalidYaml(yamlProblems);
  }
  const raw: unknown = document?.toJS() ?? null;
  if (raw === null) {
    throw new GateConfigError(
      GateConfigErrorCode.InvalidConfig,
      filePath,
      [],
      `Gate config ${filePath} is empty: expected at least portal.url (see firmware-config/gate.minimal.yaml).`,
    );
  }

  const result = gateConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues
    .flatMap((issue) => issueProblems(issue, raw, document as Document.Parsed, lineCounter))
    // In file order, so the list reads top to bottom alongside the file; stable for problems on one line.
    .sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  throw new GateConfigError(GateConfigErrorCode.InvalidConfig, filePath, problems, `Gate config ${filePath} is invalid:`);
}

function readError(filePath: string, error: unknown): GateConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new GateConfigError(
      GateConfigErrorCode.FileNotFound,
      filePath,
      [],
      `Gate config file not found: ${filePath}. To start, copy ${EXAMPLE_CONFIG} to ${filePath} and edit it, ` +
        `or point --config or ${GATE_CONFIG_ENV_VAR} at another file.`,
      { cause: error },
    );
  }
  const reason =
    code === 'EACCES'
      ? 'permission denied: the gate agent user needs read access to it'
      : code === 'EISDIR'
        ? 'it is a directory: expected a YAML file'
        : (error as Error).message;
  return new GateConfigError(GateConfigErrorCode.FileUnreadable, filePath, [], `Cannot read gate config ${filePath}: ${reason}.`, {
    cause: error,
  });
}

function yamlProblem(error: YAMLError, text: string): GateConfigProblem {
  const line = error.linePos?.[0].line;
  if (error.code === 'DUPLICATE_KEY') {
    // The error's range marks only the start of the repeated key; the key runs to its colon.
    const key = (/^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
    return { path: '', line, message: `duplicate key "${key}": expected each key once per mapping (merge the two entries)` };
  }
  // prettyErrors appends " at line N, column M:" and a source excerpt; the line is reported separately.
  const firstLine = error.message.split('\n')[0] ?? error.message;
  return { path: '', line, message: `${firstLine.replace(/ at line \d+, column \d+:?$/, '')} (YAML syntax)` };
}

function issueProblems(issue: z.core.$ZodIssue, raw: unknown, document: Document.Parsed, lineCounter: LineCounter): GateConfigProblem[] {
  const lineOf = (path: readonly PropertyKey[]) => keyLine(document, lineCounter, path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(gateConfigSchema, issue.path, raw) ?? [];
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const suggestion = closestKey(key, allowed);
      const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
      return { path: dotted(path), line: lineOf(path), message: `unknown key${hint}; expected one of: ${allowed.join(', ')}` };
    });
  }
  const value = valueAt(raw, issue.path);
  const path = dotted(issue.path);
  if (value === undefined) return [{ path, line: lineOf(issue.path), message: `missing; ${issue.message}` }];
  const isCrossField = issue.code === 'custom' && issue.params?.['crossField'] === true;
  const found = isCrossField || NOT_ECHOED_PATHS.has(path) ? '' : `; found ${describeValue(value)}`;
  return [{ path, line: lineOf(issue.path), message: `${issue.message}${found}` }];
}

/** Line of the key at `path`, or of its nearest ancestor present in the file (for a missing key). */
function keyLine(document: Document.Parsed, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = document.contents;
  let line: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair || !isScalar(pair.key) || !pair.key.range) return line;
      line = lineCounter.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as { range?: [number, number, number] } | undefined;
      if (!item?.range) return line;
      line = lineCounter.linePos(item.range[0]).line;
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isRecord(value)) value = value[String(segment)];
    else return undefined;
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** The allowed key a typo most likely meant: same letters ignoring case and separators, or at most 2 edits away. */
function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const normalise = (name: string) => name.toLowerCase().replace(/[-_\s]/g, '');
  const exact = allowed.find((candidate) => normalise(candidate) === normalise(key));
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(normalise(key), normalise(candidate));
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
