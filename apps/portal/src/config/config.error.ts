/** Thrown at start-up when the environment is not a valid configuration. Names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const isConfigError = (error: unknown): error is ConfigError => error instanceof ConfigError;
