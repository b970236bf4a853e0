import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { generateSchemaTypes, readCommittedSchemaTypes } from './codegen.ts';

describeEachDatabase('generated schema types', (db, kind) => {
  it.runIf(kind === 'pglite')('match the migrated schema (run `npm run db:types` after a migration)', async () => {
    expect(await generateSchemaTypes(db())).toBe(readCommittedSchemaTypes());
  });
});
