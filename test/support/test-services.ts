/** Names of the environment variables the global setup hands to every test worker. */
export const TEST_ENV = {
  /** Maintenance-database URL of the PostgreSQL server the tests use. */
  postgresAdminUrl: 'CAMPUSPASS_TEST_PG_ADMIN_URL',
  /** Database with every migration applied; each test file copies it. */
  templateDatabase: 'CAMPUSPASS_TEST_TEMPLATE_DB',
  redisUrl: 'CAMPUSPASS_TEST_REDIS_URL',
} as const;

export function requiredTestEnv(name: (typeof TEST_ENV)[keyof typeof TEST_ENV]): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run integration and e2e tests through jest (npm test), whose global setup starts PostgreSQL and Redis.`,
    );
  }
  return value;
}
