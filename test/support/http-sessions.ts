import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { extractCode, type TestSmtpServer } from './smtp.js';

/** A signed-in cookie agent and the CSRF token its unsafe requests must carry. */
export interface HttpSession {
  readonly agent: TestAgent;
  readonly csrf: string;
}

type Server = Parameters<typeof request.agent>[0];

/** An unsafe request as the signed-in browser makes it: the session's cookies and its CSRF token, with the body if any. */
export function send(session: HttpSession, method: 'post' | 'put' | 'patch' | 'delete', url: string, body?: object) {
  const call = session.agent[method](url).set('X-CSRF-Token', session.csrf);
  return body ? call.send(body) : call;
}

/** {@link send} with POST. */
export function post(session: HttpSession, url: string, body?: object) {
  return send(session, 'post', url, body);
}

export interface RegistryPerson {
  readonly surname: string;
  readonly givenName: string;
  readonly dateOfBirth: string;
  /** The email on record, where the code arrives. */
  readonly email: string;
}

/** Register Email with the email on record, as an alumnus does: identify, keep the email, enter the mailed code. */
export async function registerAndSignIn(server: Server, smtp: TestSmtpServer, person: RegistryPerson): Promise<HttpSession> {
  const agent = request.agent(server);
  const identified = await agent
    .post('/api/auth/register/identify')
    .send({ surname: person.surname, givenName: person.givenName, dateOfBirth: person.dateOfBirth })
    .expect(200);
  const after = smtp.messages.length;
  await agent.post('/api/auth/register/email').send({ ticket: identified.body.ticket }).expect(202);
  const code = extractCode(await smtp.waitForMessage(person.email, 10_000, { after }));
  const verified = await agent.post('/api/auth/register/verify').send({ ticket: identified.body.ticket, code }).expect(200);
  return { agent, csrf: verified.body.csrfToken as string };
}

/** Staff sign-in: password, then the mailed code. */
export async function staffSignIn(server: Server, smtp: TestSmtpServer, email: string, password: string): Promise<HttpSession> {
  const agent = request.agent(server);
  const after = smtp.messages.length;
  const start = await agent.post('/api/auth/staff/start').send({ email, password }).expect(202);
  const code = extractCode(await smtp.waitForMessage(email, 10_000, { after }));
  const verified = await agent.post('/api/auth/staff/verify').send({ requestId: start.body.requestId, code }).expect(200);
  return { agent, csrf: verified.body.csrfToken as string };
}
