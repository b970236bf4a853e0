import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/platform/db/migrate.ts';
import { openPglite } from '../../src/platform/db/pglite.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { templateName, withDatabase } from './postgres-admin.ts';

/**
 * Migrates once per test run: a PGlite data directory dumped to a file that every test
 * file loads, and, when TEST_DATABASE_URL is set, a template database on the server that
 * every test file clones.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-test-'));
  const pglite = await openPglite();
  await migrate(pglite);
  const dump = await pglite.pglite.dumpDataDir('none');
  const dumpPath = join(dir, 'migrated.tar');
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteDump', dumpPath);

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = templateName();
    await withDatabase(url, async (admin) => {
      await admin.query(`drop database if exists ${template}`);
      await admin.query(`create database ${template}`);
    });
    const u = new URL(url);
    u.pathname = `/${template}`;
    const server = await openPostgres(u.toString(), { max: 1 });
    await migrate(server);
    await server.close();
    project.provide('postgresTemplate', template);
    return async () => {
      await withDatabase(url, (admin) => admin.query(`drop database if exists ${template}`));
    };
  }
  project.provide('postgresTemplate', '');
  return undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    postgresTemplate: string;
  }
}
