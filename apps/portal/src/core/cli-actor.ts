import { hostname, userInfo } from 'node:os';

/**
 * Who ran an operator command, for the audit log: `cli:<login>@<host>`, with the login behind `sudo` when there is one
 * (SUDO_USER), so a key revoked or a gate created from a shell is attributed to a person, not to "the CLI".
 */
export function cliActorId(env: NodeJS.ProcessEnv = process.env): string {
  let login = env['SUDO_USER'];
  if (!login) {
    try {
      login = userInfo().username;
    } catch {
      login = 'unknown';
    }
  }
  const clean = (value: string) => value.replace(/[^\w.-]/g, '?').slice(0, 64);
  return `cli:${clean(login)}@${clean(hostname())}`;
}
