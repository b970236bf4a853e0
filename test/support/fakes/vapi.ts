// A fake Vapi API on 127.0.0.1 that speaks its protocol: GET /assistant/{id} and
// GET /phone-number/{id} with the organisation's private key as a Bearer token, answering the
// resource, or 404 for an id that is not the organisation's (Vapi does not say whose it is),
// and 401 for a key it does not know.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowOutboundHosts } from '../../../src/platform/http/outbound.ts';

export interface FakeVapi {
  /** VAPI_API_URL. */
  url: string;
  /** An organisation, by its private API key, with its assistants and phone numbers. */
  addOrg(apiKey: string, o: { assistants?: string[]; phoneNumbers?: string[] }): void;
  /** Every request: path and whether the key was known. */
  requests: { path: string; authorized: boolean }[];
  close(): Promise<void>;
}

export async function startFakeVapi(): Promise<FakeVapi> {
  const orgs = new Map<string, { orgId: string; assistants: Set<string>; phoneNumbers: Set<string> }>();
  const requests: FakeVapi['requests'] = [];
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const org = key === undefined ? undefined : orgs.get(key);
    requests.push({ path: req.url ?? '', authorized: org !== undefined });
    const m = /^\/(assistant|phone-number)\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !m) return reply(res, 404, { message: 'Cannot GET', error: 'Not Found', statusCode: 404 });
    if (!org) return reply(res, 401, { message: 'Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.', error: 'Unauthorized', statusCode: 401 });
    const id = decodeURIComponent(m[2]!);
    const owned = m[1] === 'assistant' ? org.assistants : org.phoneNumbers;
    if (!owned.has(id)) return reply(res, 404, { message: `Couldn't Get ${m[1] === 'assistant' ? 'Assistant' : 'Phone Number'}. Does Not Exist.`, error: 'Not Found', statusCode: 404 });
    const now = new Date().toISOString();
    return reply(res, 200, { id, orgId: org.orgId, createdAt: now, updatedAt: now, ...(m[1] === 'assistant' ? { name: 'Receptionist' } : { provider: 'vapi', number: '+14165550100' }) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  allowOutboundHosts(`127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addOrg(apiKey, o) {
      const org = orgs.get(apiKey) ?? { orgId: `org-${orgs.size + 1}`, assistants: new Set<string>(), phoneNumbers: new Set<string>() };
      for (const a of o.assistants ?? []) org.assistants.add(a);
      for (const p of o.phoneNumbers ?? []) org.phoneNumbers.add(p);
      orgs.set(apiKey, org);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
