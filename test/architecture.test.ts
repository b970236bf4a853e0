import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every relative import of every source file, as paths relative to src/. */
const edges = sources(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => ({
    from: relative(SRC, file),
    to: relative(SRC, resolve(dirname(file), m[1] ?? m[2]!)),
  }));
});

const layer = (p: string) => p.split('/')[0]!;
const moduleOf = (p: string) => (p.startsWith('modules/') ? p.split('/')[1] : undefined);

it('keeps platform/ free of anything above it', () => {
  const bad = edges.filter((e) => layer(e.from) === 'platform' && layer(e.to) !== 'platform');
  expect(bad).toEqual([]);
});

it("lets modules reach other modules only through their index.ts, never another module's files", () => {
  const bad = edges.filter((e) => {
    const a = moduleOf(e.from);
    const b = moduleOf(e.to);
    return a && b && a !== b && e.to !== `modules/${b}/index.ts`;
  });
  expect(bad).toEqual([]);
});

it('keeps modules from importing apps or entry points', () => {
  const bad = edges.filter((e) => moduleOf(e.from) && ['apps', 'cli', 'main.ts'].includes(layer(e.to)));
  expect(bad).toEqual([]);
});

it('lets apps use modules only through their public surface', () => {
  const bad = edges.filter((e) => layer(e.from) === 'apps' && moduleOf(e.to) && !e.to.endsWith('/index.ts'));
  expect(bad).toEqual([]);
});

it('keeps the assistant engine independent of every other module', () => {
  const bad = edges.filter((e) => moduleOf(e.from) === 'assistant' && moduleOf(e.to) && moduleOf(e.to) !== 'assistant');
  expect(bad).toEqual([]);
});

it('finds the imports it checks', () => {
  expect(edges.length).toBeGreaterThan(20);
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
