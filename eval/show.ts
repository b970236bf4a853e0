/**
 * npm run eval:assistant -- prints the table; this prints every turn of the conversations
 * whose id contains the argument, for writing and debugging corpus files:
 *   npx tsx eval/show.ts ari-id-docs
 */
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { loadCorpus } from './corpus.ts';
import { formatReport, runCorpus } from './runner.ts';

const filter = process.argv[2] ?? '';
const db = await openPglite();
try {
  await migrate(db);
  const report = await runCorpus(db, loadCorpus().filter((c) => c.id.includes(filter) || c.category === filter));
  for (const r of report.results) {
    process.stdout.write(`\n${r.passed ? 'PASS' : 'FAIL'} ${r.id}\n`);
    for (const t of r.turns) process.stdout.write(`  > ${t.customer}\n  < [${t.state} ${t.lead_score}${t.handoff ? ' handoff' : ''}] ${t.reply === null ? '(silent)' : t.reply.replace(/\n/g, ' / ')}\n`);
  }
  process.stdout.write(`\n${formatReport(report)}\n`);
} finally {
  await db.close();
}
