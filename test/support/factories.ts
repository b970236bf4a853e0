import type { Database, Tx } from '../../src/platform/db/database.ts';
import { withServiceRole, withTenant, type Actor } from '../../src/platform/db/tenant.ts';
import { newId } from '../../src/platform/ids.ts';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function createUser(db: Database, email = `user-${unique()}@example.test`): Promise<string> {
  const id = newId();
  await withServiceRole(db, (tx) => tx.query('insert into auth.users (id, email) values ($1, $2)', [id, email]));
  return id;
}

export interface WorkspaceFixture {
  workspaceId: string;
  ownerId: string;
  /** Acts as the owner inside the workspace. */
  asOwner<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export async function createWorkspace(
  db: Database,
  options: { name?: string; timeZone?: string; ownerId?: string } = {},
): Promise<WorkspaceFixture> {
  const ownerId = options.ownerId ?? (await createUser(db));
  const workspaceId = newId();
  const slug = `ws-${unique()}`;
  await withTenant(db, { kind: 'user', userId: ownerId }, (tx) =>
    tx.query('select app.create_workspace($1, $2, $3, $4)', [
      workspaceId,
      options.name ?? `Workspace ${slug}`,
      slug,
      options.timeZone ?? 'Asia/Jakarta',
    ]),
  );
  return {
    workspaceId,
    ownerId,
    asOwner: (fn) => withTenant(db, { kind: 'user', userId: ownerId, workspaceId }, fn),
  };
}

export async function addMember(
  db: Database,
  workspaceId: string,
  role: 'owner' | 'admin' | 'member',
  userId?: string,
): Promise<string> {
  const id = userId ?? (await createUser(db));
  await withServiceRole(db, (tx) =>
    tx.query('insert into workspace_members (workspace_id, user_id, role) values ($1, $2, $3)', [workspaceId, id, role]),
  );
  return id;
}

export const asUser = <T>(db: Database, userId: string, workspaceId: string, fn: (tx: Tx) => Promise<T>) =>
  withTenant(db, { kind: 'user', userId, workspaceId } satisfies Actor, fn);

/**
 * The contact wrote on WhatsApp at `at`: their 24-hour customer-service window is open from
 * then (what the channel worker records for an inbound message), so staff may reply freely.
 */
export const customerWroteOnWhatsapp = (db: Database, workspaceId: string, contactId: string, at: Date) =>
  withServiceRole(db, (tx) =>
    tx.query(
      `insert into contact_channel_windows (workspace_id, contact_id, channel, last_inbound_at) values ($1, $2, 'whatsapp', $3)
       on conflict (workspace_id, contact_id, channel) do update set last_inbound_at = greatest(contact_channel_windows.last_inbound_at, excluded.last_inbound_at)`,
      [workspaceId, contactId, at],
    ),
  );
