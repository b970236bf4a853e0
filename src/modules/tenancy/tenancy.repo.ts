import type { Tx } from '../../platform/db/database.ts';

export async function findUserIdByEmail(tx: Tx, email: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('auth.users').select('id').where('email', '=', email).executeTakeFirst();
  return row?.id;
}

export async function insertUser(tx: Tx, user: { id: string; email: string; fullName?: string | undefined }) {
  await tx.db
    .insertInto('auth.users')
    .values({ id: user.id, email: user.email, full_name: user.fullName ?? null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
}

export async function createWorkspaceRow(
  tx: Tx,
  w: { id: string; name: string; slug: string; timeZone: string; locale: string; currency: string; country: string; template: string | null },
) {
  await tx.query('select app.create_workspace($1, $2, $3, $4, $5, $6, $7, $8)', [
    w.id,
    w.name,
    w.slug,
    w.timeZone,
    w.locale,
    w.currency,
    w.country,
    w.template,
  ]);
}

export async function findWorkspaceBySlug(tx: Tx, slug: string) {
  return tx.db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
}
