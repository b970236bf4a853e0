import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function typescript(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? typescript(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const isTest = (p: string) => p.endsWith('.test.ts') || p.startsWith('test/');
const sources = (dir: string) => typescript(dir).filter((p) => !isTest(relative(ROOT, p)));

/**
 * Every relative import of every file under src/ and test/ (tests and test support included),
 * as paths from the repository's root: `src/modules/contacts/index.ts`, `test/support/db.ts`.
 */
const allEdges = [...typescript(SRC), ...typescript(join(ROOT, 'test'))].flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|import\s+['"](\.[^'"]+)['"]/g)].map((m) => ({
    from: relative(ROOT, file),
    to: relative(ROOT, resolve(dirname(file), m[1] ?? m[2] ?? m[3]!)),
  }));
});
/** What the product is made of: src/ without its tests. */
const edges = allEdges.filter((e) => e.from.startsWith('src/') && !isTest(e.from));
/** src/ with its tests: a test beside a module or an app is held to that module's or app's rules. */
const srcEdges = allEdges.filter((e) => e.from.startsWith('src/'));

/** Under src/: platform, modules, apps, cli, or the file's own name for the composition root's files. */
const layer = (p: string) => (p.startsWith('src/') ? p.split('/')[1] : undefined);
const moduleOf = (p: string) => (p.startsWith('src/modules/') ? p.split('/')[2] : undefined);
/** The files directly in src/ wire the modules and apps together; nothing below them imports them. */
const COMPOSITION_ROOT = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

// Known breaches of "one public face per module", each with why it is allowed and when it goes.
// Keep this list short (today it is empty) and remove an entry as soon as its cause is gone:
// the last test below fails on an entry that nothing needs any more.
const SECOND_FACES: { from: RegExp; to: string; why: string }[] = [];

// What an engine (modules/assistant/engines/*) may import besides platform/ and the other
// engines, each with why; the same stale check applies.
const ENGINE_REACH: { from: string; to: string; why: string }[] = [
  {
    from: 'src/modules/assistant/engines/amara/messages.ts',
    to: 'src/modules/scheduling/index.ts',
    why: "Amara says dates with scheduling's day and month names, spelled out once so every Node version writes the same words",
  },
];

it('keeps platform/ free of anything above it', () => {
  const bad = edges.filter((e) => layer(e.from) === 'platform' && layer(e.to) !== 'platform');
  expect(bad).toEqual([]);
});

it('keeps src/ free of test code: nothing under src/ imports test/ (or anything else outside src/)', () => {
  const bad = edges.filter((e) => !e.to.startsWith('src/'));
  expect(bad).toEqual([]);
});

it('keeps test-only files out of src/: every src/ file that tests import is also used by src/ itself', () => {
  const usedBySrc = new Set(edges.map((e) => e.to));
  const testOnly = [...new Set(allEdges.filter((e) => isTest(e.from) && e.to.startsWith('src/') && !isTest(e.to)).map((e) => e.to))].filter(
    (to) => !usedBySrc.has(to) && !['src/cli/main.ts'].includes(to),
  );
  expect(testOnly).toEqual([]);
});

it('keeps modules, their tests included, from importing apps/, cli/ or the composition root (such a test is a flow: test/flows/)', () => {
  const bad = srcEdges.filter((e) => moduleOf(e.from) && (['apps', 'cli'].includes(layer(e.to)!) || COMPOSITION_ROOT.includes(layer(e.to)!)));
  expect(bad).toEqual([]);
});

it("lets src/ reach a module only through its index.ts: from apps/, cli/, the composition root and other modules, tests included", () => {
  const bad = srcEdges.filter((e) => {
    const target = moduleOf(e.to);
    if (!target || moduleOf(e.from) === target || e.to === `src/modules/${target}/index.ts`) return false;
    return !SECOND_FACES.some((a) => a.from.test(e.from) && a.to === e.to);
  });
  expect(bad).toEqual([]);
});

it('gives every module its index.ts', () => {
  const modules = readdirSync(join(SRC, 'modules')).filter((m) => statSync(join(SRC, 'modules', m)).isDirectory());
  expect(modules.filter((m) => !sources(join(SRC, 'modules', m)).includes(join(SRC, 'modules', m, 'index.ts')))).toEqual([]);
});

const ENGINES = 'src/modules/assistant/engines/';
const engineOf = (p: string) => (p.startsWith(ENGINES) ? p.split('/')[4] : undefined);

it('keeps the assistant engines pure: each imports only itself, platform/ and the others through their index.ts', () => {
  const bad = edges.filter((e) => {
    const engine = engineOf(e.from);
    if (!engine || engineOf(e.to) === engine || layer(e.to) === 'platform') return false;
    if (engineOf(e.to)) return e.to !== `${ENGINES}${engineOf(e.to)}/index.ts`;
    return !ENGINE_REACH.some((a) => a.from === e.from && a.to === e.to);
  });
  expect(bad).toEqual([]);
});

it('finds the imports it checks, in src/, its tests and test/', () => {
  expect(edges.length).toBeGreaterThan(20);
  expect(srcEdges.filter((e) => isTest(e.from) && moduleOf(e.from)).length).toBeGreaterThan(20);
  expect(allEdges.filter((e) => e.from.startsWith('test/flows/')).length).toBeGreaterThan(5);
  expect(COMPOSITION_ROOT).toEqual(expect.arrayContaining(['http.ts', 'jobs.ts', 'main.ts', 'notify.ts']));
});

it('keeps no allow-list entry that nothing needs', () => {
  const unused = [
    ...SECOND_FACES.filter((a) => !srcEdges.some((e) => a.from.test(e.from) && a.to === e.to)),
    ...ENGINE_REACH.filter((a) => !srcEdges.some((e) => a.from === e.from && a.to === e.to)),
  ];
  expect(unused.map((a) => a.why)).toEqual([]);
});

// node:net's address arithmetic opens no connection (rate limits match proxies with it).
const ADDRESS_HELPERS = /import \{\s*(?:(?:BlockList|isIP|isIPv4|isIPv6)\s*,?\s*)+\} from ['"]node:net['"];/g;

it('sends every outbound request through platform/http/outbound.ts (issue 11: tenants choose some of the addresses)', () => {
  const OUTBOUND = 'platform/http/outbound.ts';
  const bad = sources(SRC).flatMap((file) => {
    const rel = relative(SRC, file);
    if (rel === OUTBOUND) return [];
    const text = readFileSync(file, 'utf8');
    const found: string[] = [];
    // The global fetch, another HTTP client, or raw sockets would skip the address check.
    if (/(?<![.\w])fetch\(|globalThis\.fetch/.test(text)) found.push('fetch(');
    if (/from\s+['"](undici|node:https?|https?|node:net|node:tls|node:dgram)['"]/.test(text.replace(/import type [^;]+;/g, '').replace(ADDRESS_HELPERS, ''))) found.push('a network module');
    // The model SDK brings its own fetch unless it is handed ours.
    if (/new OpenAI\(/.test(text) && !/new OpenAI\(\{[^}]*fetch: outboundFetch/.test(text)) found.push('new OpenAI( without fetch: outboundFetch');
    return found.map((f) => `${rel}: ${f}`);
  });
  expect(bad).toEqual([]);
});
