// What the browser tests share: Debian's Chromium driven by playwright-core, the rule that CI
// runs them (never skips), axe-core's serious findings and the phone-width check.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { it } from 'vitest';
import { describeEachDatabase } from './support/db.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Chromium and sets this, so that there the tests run or fail, never skip.
const required = process.env.REQUIRE_BROWSER_TESTS === '1';
const available = existsSync(CHROMIUM);
if (required && !available) throw new Error(`REQUIRE_BROWSER_TESTS=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** describeEachDatabase where Chromium is installed; one skipped test saying why elsewhere. */
export const describeWithBrowser: typeof describeEachDatabase = available ? describeEachDatabase : (name) => it.skip(`${name}: needs Chromium at ${CHROMIUM}`, () => {});

/** axe-core's serious and critical findings on the page as it is now. */
export async function accessibilityProblems(page: Page) {
  // These callbacks run in the page (the tests' tsconfig has no DOM types, hence globalThis).
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE });
  const results = await page.evaluate(async () => {
    type Axe = { run: (ctx: unknown, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] }> };
    const g = globalThis as unknown as { axe: Axe; document: unknown };
    const r = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** True when the page is no wider than the window (nothing to scroll sideways on a phone). */
export const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth <= root.clientWidth;
  });
