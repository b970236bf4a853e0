import { beforeAll, expect, it } from 'vitest';
import { asService } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { systemClock } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { silentLogger } from '../../platform/log.ts';
import { IMPORT_BATCH_ROWS, importContactsInBatches } from './contacts.csv.ts';

const ROWS = IMPORT_BATCH_ROWS * 2 + 345;
const phone = (i: number) => `0812-${String(i).padStart(7, '0')}`;

describeEachDatabase('contacts import: any length a batch at a time, columns mapped by hand', (db) => {
  let t: ReturnType<typeof testApp>;
  let owner: Awaited<ReturnType<typeof t.owner>>;
  let inTenant: <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>;
  // A spreadsheet's own headers: none of them is a spelling the import knows.
  const file = (rows: number, first = 1) =>
    ['Nama Lengkap;Nomor WA;Kota', ...Array.from({ length: rows }, (_, i) => `Orang ${first + i};${phone(first + i)};Bogor`)].join('\n');
  const mapping = { 'Nama Lengkap': 'name', 'Nomor WA': 'phone', Kota: 'ignore' } as const;
  const count = async () =>
    Number((await asService(db(), (tx) => tx.query<{ n: string }>("select count(*) as n from contacts where workspace_id = $1 and source = 'import'", [owner.workspaceId]))).rows[0]!.n);

  beforeAll(async () => {
    t = testApp(db());
    owner = await t.owner(email('import-batches'), { country: 'ID' });
    const actor = { kind: 'system' as const, workspaceId: owner.workspaceId };
    inTenant = (fn) => withTenant(db(), actor, (tx) => fn({ tx, actor, clock: systemClock, log: silentLogger() }));
  });

  it('checks the whole file in a dry run, a number repeated across batches included, and stores nothing', async () => {
    const repeated = `${file(ROWS)}\nTwin;${phone(7)};Bogor`;
    const progress: number[] = [];
    const r = await importContactsInBatches(inTenant, { csv: repeated, dry_run: true, mapping }, (done) => progress.push(done));
    expect(r).toMatchObject({ dry_run: true, total_rows: ROWS + 1, valid_rows: ROWS, imported: 0, columns: { 'Nama Lengkap': 'name', 'Nomor WA': 'phone' }, ignored_columns: ['Kota'] });
    expect(r.errors).toEqual([expect.objectContaining({ row: ROWS + 1, code: 'contact.phone_repeated', message: 'the same number as row 7' })]);
    expect(progress).toEqual([0, IMPORT_BATCH_ROWS, IMPORT_BATCH_ROWS * 2, ROWS + 1]);
    expect(await count()).toBe(0);
  });

  it('stores every valid row a batch at a time, and a second run of the same file stores none again', async () => {
    const r = await importContactsInBatches(inTenant, { csv: file(ROWS), dry_run: false, mapping });
    expect(r).toMatchObject({ total_rows: ROWS, valid_rows: ROWS, imported: ROWS });
    expect(new Set(r.contact_ids).size).toBe(ROWS);
    expect(await count()).toBe(ROWS);
    const stored = await asService(db(), (tx) => tx.query<{ name: string; phone: string }>('select name, phone from contacts where workspace_id = $1 and phone = $2', [owner.workspaceId, '+628120000042']));
    expect(stored.rows).toEqual([{ name: 'Orang 42', phone: '+628120000042' }]);

    const again = await importContactsInBatches(inTenant, { csv: file(ROWS), dry_run: false, mapping });
    expect(again.imported).toBe(0);
    expect(new Set(again.errors.map((e) => e.code))).toEqual(new Set(['contact.phone_taken']));
    expect(await count()).toBe(ROWS);
  });

  it('takes the same mapping through the API, and refuses one naming a column the file lacks', async () => {
    const ok = await t.call('POST', '/api/v1/contacts/import', { ...owner.as, body: { csv: file(2, ROWS + 10), mapping } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ imported: 2, columns: { 'Nomor WA': 'phone' } });
    const bad = await t.call('POST', '/api/v1/contacts/import', { ...owner.as, body: { csv: file(2, ROWS + 20), mapping: { Telefono: 'phone' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'contact.mapping_unknown_column', message: 'the file has no column "Telefono"' });
    const wrongField = await t.call('POST', '/api/v1/contacts/import', { ...owner.as, body: { csv: file(2, ROWS + 30), mapping: { Kota: 'city' } } });
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.error.code).toBe('validation.failed');
  });
});
