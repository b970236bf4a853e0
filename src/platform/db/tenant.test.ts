import { expect, it } from 'vitest';
import { addMember, createUser, createWorkspace } from '../../../test/support/factories.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { withTenant } from './tenant.ts';

describeEachDatabase('tenant transaction', (db) => {
  it('sets role and claims for the transaction only', async () => {
    const userId = await createUser(db());
    const row = await withTenant(db(), { kind: 'user', userId, workspaceId: undefined }, async (tx) => {
      const { rows } = await tx.query<{ uid: string; role: string; cu: string }>(
        'select auth.uid() as uid, auth.role() as role, current_user as cu',
      );
      return rows[0]!;
    });
    expect(row).toEqual({ uid: userId, role: 'authenticated', cu: 'authenticated' });
    const after = await db().transaction(async (tx) => (await tx.query<{ uid: string | null }>('select auth.uid() as uid')).rows[0]);
    expect(after?.uid).toBeNull();
  });

  it('lets a member see their workspace and not another', async () => {
    const a = await createWorkspace(db());
    const b = await createWorkspace(db());
    const seen = await a.asOwner(async (tx) => (await tx.query<{ id: string }>('select id from workspaces')).rows.map((r) => r.id));
    expect(seen).toContain(a.workspaceId);
    expect(seen).not.toContain(b.workspaceId);
  });

  it('ignores a claimed workspace the user is not a member of', async () => {
    const a = await createWorkspace(db());
    const b = await createWorkspace(db());
    const outsider = await addMember(db(), a.workspaceId, 'member');
    const visible = await withTenant(db(), { kind: 'user', userId: outsider, workspaceId: b.workspaceId }, async (tx) => {
      const { rows } = await tx.query<{ ws: string | null }>('select app.current_workspace_id() as ws');
      return rows[0]!.ws;
    });
    expect(visible).toBeNull();
  });

  it('lets the system actor act in its workspace and nowhere else', async () => {
    const a = await createWorkspace(db());
    const b = await createWorkspace(db());
    const result = await withTenant(db(), { kind: 'system', workspaceId: a.workspaceId }, async (tx) => {
      await tx.query(`insert into contacts (name, phone) values ('Sys', '+6281111111111')`);
      const { rows } = await tx.query<{ rank: number; ws: string }>('select app.workspace_rank() as rank, app.current_workspace_id() as ws');
      return rows[0];
    });
    expect(result).toEqual({ rank: 4, ws: a.workspaceId });
    const seenFromB = await b.asOwner(async (tx) => (await tx.query('select 1 from contacts where phone = $1', ['+6281111111111'])).rowCount);
    expect(seenFromB).toBe(0);
  });

  it('gives an anonymous visitor no workspace rank even with a workspace claim', async () => {
    const a = await createWorkspace(db());
    const rank = await withTenant(db(), { kind: 'anon', workspaceId: a.workspaceId }, async (tx) =>
      (await tx.query<{ rank: number | null }>('select app.workspace_rank() as rank')).rows[0]!.rank,
    );
    expect(rank).toBeNull();
  });
});
