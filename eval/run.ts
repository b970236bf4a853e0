/**
 * npm run eval:assistant [-- --filter ID_PART] [--model URL --model-name NAME | --parrot]
 *
 * Runs the evaluation corpus (eval/corpus/*.json) on a fresh embedded database with the
 * built-in engine and prints the pass rate per app and per category, then every failure.
 * With --model, the same corpus runs with every workspace's turns worded by the model at URL
 * (an OpenAI-compatible endpoint); with --parrot, by a fake model on 127.0.0.1 that repeats the
 * engine's draft (eval/parrot.ts), which runs the model path end to end and must print the
 * same table. Exits 1 when any conversation fails.
 */
import { parseArgs } from 'node:util';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { startParrot } from './parrot.ts';
import { formatReport, runCorpus } from './runner.ts';

const { values } = parseArgs({
  options: {
    filter: { type: 'string' },
    model: { type: 'string' },
    'model-name': { type: 'string', default: 'eval-model' },
    parrot: { type: 'boolean', default: false },
  },
});

const parrot = values.parrot ? await startParrot() : undefined;
const model = parrot?.url ?? values.model;
const db = await openPglite();
try {
  await migrate(db);
  const started = Date.now();
  const report = await runCorpus(db, undefined, {
    filter: values.filter,
    turnOptions: model ? { llm: { baseUrl: model.replace(/\/+$/, ''), model: parrot ? 'eval-parrot' : values['model-name']!, timeoutMs: 10_000 } } : {},
  });
  process.stdout.write(`eval:assistant: ${report.total} conversations, ${parrot ? `the parrot model (${parrot.worded} replies worded by it)` : values.model ? `model ${values.model}` : 'built-in engine'}, ${((Date.now() - started) / 1000).toFixed(1)} s\n\n`);
  process.stdout.write(`${formatReport(report)}\n`);
  process.exitCode = report.passed === report.total ? 0 : 1;
} finally {
  await db.close();
  await parrot?.close();
}
