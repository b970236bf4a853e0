// Shared by the scheduling module's tests: a workspace over HTTP with patterns and contacts.
import { expect } from 'vitest';
import { email, testApp, type CallOptions, type CallResult } from './http.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';

export type App = ReturnType<typeof testApp>;
export type Who = { cookie?: string; workspace?: string; key?: string };
export type Body = Record<string, any>;

/** The field paths of a validation error. */
export const paths = (res: CallResult): string[] => res.body.error.details.issues.map((i: { path: string }) => i.path);

/** Calls and insists on the status, showing the body when it differs. */
export async function expectCall(t: App, status: number, method: string, path: string, o: CallOptions = {}): Promise<Body> {
  const res = await t.call(method, path, o);
  expect(res.status, `${method} ${path} -> ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

/**
 * A workspace and its owner, in a zone, language and country. `t` runs on the test's clock;
 * `people` on the real one, for sign-ups, invitations and keys, whose expiry the database
 * checks against its own now().
 */
export async function workspace(db: Database, clock: Clock, place: { time_zone: string; locale: string; currency: string; country: string }) {
  const people = testApp(db);
  const owner = await people.owner(email('scheduling'), place);
  return { t: testApp(db, clock), people, owner, as: owner.as };
}

export const pattern = (t: App, who: Who, body: Body) => expectCall(t, 201, 'POST', '/api/v1/consultant-slots', { ...who, body });

export const contact = (t: App, who: Who, name: string, phone: string) => expectCall(t, 201, 'POST', '/api/v1/contacts', { ...who, body: { name, phone } });

export const book = (t: App, who: Who, body: Body) => t.call('POST', '/api/v1/appointments', { ...who, body });
