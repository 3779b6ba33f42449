/** Why the gate configuration could not be used. Each code says where to look. */
export enum GateConfigErrorCode {
  /** No file at the configured path. */
  FileNotFound = 'gate-config-file-not-found',
  /** The file exists but could not be read (permissions, a directory, an I/O error). */
  FileUnreadable = 'gate-config-file-unreadable',
  /** The file is not a single well-formed YAML document. */
  InvalidYaml = 'gate-config-invalid-yaml',
  /** The YAML is well formed but a value is missing, mistyped, out of range or inconsistent. */
  InvalidConfig = 'gate-config-invalid',
}

/** One thing wrong with the file, located as precisely as the YAML parser allows. */
export interface GateConfigProblem {
  /** Dotted key path such as `relay.bcmPin`; empty when the problem is the file as a whole. */
  readonly path: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/** The gate configuration at `filePath` cannot be used; `message` lists every problem for a person to fix. */
export class GateConfigError extends Error {
  override readonly name = 'GateConfigError';

  constructor(
    readonly code: GateConfigErrorCode,
    readonly filePath: string,
    readonly problems: readonly GateConfigProblem[],
    summary: string,
    options?: ErrorOptions,
  ) {
    super(formatMessage(summary, problems), options);
  }
}

export function isGateConfigError(error: unknown): error is GateConfigError {
  return error instanceof GateConfigError;
}

function formatProblem(problem: GateConfigProblem): string {
  const line = problem.line === undefined ? undefined : `line ${problem.line}`;
  if (problem.path === '') return line === undefined ? problem.message : `${line}: ${problem.message}`;
  return line === undefined ? `${problem.path}: ${problem.message}` : `${problem.path} (${line}): ${problem.message}`;
}

function formatMessage(summary: string, problems: readonly GateConfigProblem[]): string {
  if (problems.length === 0) return summary;
  return [summary, ...problems.map((problem) => `  - ${formatProblem(problem)}`)].join('\n');
}
