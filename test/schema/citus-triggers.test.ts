// Ready for Citus (issue 18): on Citus a trigger fires on the worker that holds the shard of
// the row, and a function a statement calls runs where the statement runs. Each may touch
// only rows of the same workspace (co-located, same node) or reference tables. This reads
// every product function's body from the catalog, statement by statement, and fails on a
// statement that reads or writes a tenant table without `workspace_id = <the workspace at
// hand>`: NEW/OLD.workspace_id for a trigger, a workspace argument, or the claimed workspace.
// It also lists what is node-local on Citus (NOTIFY, advisory locks), for the runbook.
import { expect, it } from 'vitest';
import { rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { planCitus, readCitusCatalog } from '../../src/platform/db/citus.ts';

/**
 * Functions that span tenants on purpose, each with why. They run on the coordinator as
 * multi-shard statements (jobs, sign-up, routing), never as a trigger on a shard.
 */
const SPANS_TENANTS: Record<string, string> = {
  'app.create_workspace': "creates the workspace row (reference) and its owner's membership: the new id is the tenant, inserted by value",
  'app.channel_accounts_taken': "ownership: whether another workspace already verified the provider account (a read across shards, coordinator)",
  'app.analytics_days_due': 'job: the workspaces and days with analytics to roll up, across tenants',
  'public.cleanup_expired_guest_sessions': 'job: expired guest sessions of every tenant (multi-shard delete)',
  'public.cleanup_old_platform_events': 'job: events past retention, every tenant (multi-shard delete)',
  'app.prune_staff_notifications': "job: each person's notifications beyond the newest 50, every tenant (partitioned by workspace_id, multi-shard)",
  'app.my_workspace_ids': "a person's memberships across tenants, for the policy on workspaces (a reference table): see the runbook on row-level security",
  'app.accept_invitation': 'the token names no workspace: the invitation is found by its hash across shards, then the membership is written with its workspace_id',
};

interface Fn {
  name: string;
  args: string[];
  src: string;
  trigger: boolean;
}

/** The statements of a PL/pgSQL or SQL body, comments removed. */
const statementsOf = (src: string) =>
  src
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);

/** Whether an INSERT ... (columns) VALUES (values) gives workspace_id a value matching `at`. */
function insertedWorkspace(s: string, at: RegExp): boolean {
  const m = /insert into [\w.]+(?: as \w+)? \(([^)]*)\) values \((.*)$/i.exec(s);
  if (!m) return false;
  const column = m[1]!.split(',').map((c) => c.trim()).indexOf('workspace_id');
  if (column < 0) return false;
  // The values at the top level of the parentheses.
  const values: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of m[2]!) {
    if (ch === ')' && depth === 0) break;
    if (ch === ',' && depth === 0) {
      values.push(current.trim());
      current = '';
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    current += ch;
  }
  values.push(current.trim());
  return at.test(values[column] ?? '');
}

/** What one function's statements touch, which of them do not pin the workspace at hand, and what is node-local. */
function reviewFunction(f: Fn, distributed: Set<string>, reference: Set<string>) {
  // The workspace at hand: the row's, an argument naming a workspace, or the claimed one.
  const here = ['new\\.workspace_id', 'old\\.workspace_id', 'app\\.current_workspace_id\\(\\)', 'app\\.claimed_workspace_id\\(\\)', '\\(select app\\.current_workspace_id\\(\\)\\)', "claims\\s*->>\\s*'workspace_id'",
    ...f.args.filter((a) => /workspace|^ws$|^p_ws/.test(a)).map((a) => `\\b${a}\\b`), '\\$1'];
  const hereRe = `(?:${here.join('|')})`;
  const touches = new Set<string>();
  const unpinned: string[] = [];
  const nodeLocal: string[] = [];
  const pinnedVars = new Set<string>();
  for (const s of statementsOf(f.src)) {
    // A variable given the workspace at hand counts as it (ws := new.workspace_id).
    // (a declaration, `ws uuid := app.current_workspace_id();`, or an assignment).
    const assigned = new RegExp(`(?:^|\\bdeclare\\s+|\\bbegin\\s+)?(\\w+)(?:\\s+[\\w.]+)?\\s*:=[^;]*${hereRe}`, 'i').exec(s);
    if (assigned) pinnedVars.add(assigned[1]!);
    const at = `(?:${hereRe}${[...pinnedVars].map((v) => `|\\b${v}\\b`).join('')})`;
    if (/pg_notify|\bnotify\b/i.test(s)) nodeLocal.push('notify');
    if (/pg_advisory/i.test(s)) nodeLocal.push('advisory lock');
    for (const m of s.matchAll(/\b(?:from|join|into|update)\s+(?:only\s+)?(?:(public|auth|app)\.)?(\w+)/gi)) {
      const table = m[2]!.toLowerCase();
      if (reference.has(table)) touches.add(`${table} (reference)`);
      if (!distributed.has(table)) continue;
      touches.add(table);
      const pinned =
        new RegExp(`workspace_id\\s*=\\s*${at}`, 'i').test(s) ||
        new RegExp(`${at}\\s*=\\s*(?:\\w+\\.)?workspace_id`, 'i').test(s) ||
        // insert ... (..., workspace_id, ...) values (..., <workspace at hand>, ...), or ... select <workspace at hand>, ...
        (/\binsert\b/i.test(s) && (insertedWorkspace(s, new RegExp(`^${at}$`, 'i')) || new RegExp(`select\\s*${at}`, 'i').test(s)));
      if (!pinned) unpinned.push(`${table}: ${s.slice(0, 160)}`);
    }
  }
  return { fn: f.name, trigger: f.trigger, touches: [...touches], unpinned, nodeLocal: [...new Set(nodeLocal)] };
}

describeEachDatabase('triggers and functions stay on one shard (Citus)', (db) => {
  it('tells a trigger that stays in its workspace from one that reaches across (the review itself)', () => {
    const review = (src: string, args: string[] = []) => reviewFunction({ name: 'app.t', args, src, trigger: true }, new Set(['contacts', 'outbox']), new Set(['workspaces'])).unpinned.length;
    expect(review('begin update public.contacts set total_calls = 1 where workspace_id = new.workspace_id and id = new.contact_id; return null; end')).toBe(0);
    expect(review('begin update public.contacts set total_calls = 1 where id = new.contact_id; return null; end')).toBe(1);
    expect(review('begin insert into public.outbox (workspace_id, message_id) values (new.workspace_id, new.id); return new; end')).toBe(0);
    expect(review('begin insert into public.outbox (message_id, workspace_id) values (new.id, new.other_workspace); return new; end')).toBe(1);
    expect(review('declare ws uuid := app.current_workspace_id(); begin delete from public.contacts where workspace_id = ws and id = p_id; end')).toBe(0);
    expect(review('begin perform 1 from public.workspaces w where w.id = new.workspace_id; delete from public.contacts where id = p_id; end')).toBe(1);
    expect(review('select count(*) from public.contacts where workspace_id = p_workspace_id', ['p_workspace_id'])).toBe(0);
  });

  it('every statement of a product function on a tenant table pins the workspace at hand', async () => {
    const plan = await db().transaction(async (tx) => planCitus(await readCitusCatalog(tx)));
    const distributed = new Set(plan.distributed.map((d) => d.table.split('.')[1]!));
    const reference = new Set(plan.reference.map((t) => t.split('.')[1]!));
    const fns = await db().transaction((tx) =>
      rows<Fn>(
        tx,
        `select n.nspname || '.' || p.proname as name, coalesce(p.proargnames, '{}') as args, p.prosrc as src,
                p.prorettype = 'trigger'::regtype as trigger
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname in ('app', 'auth', 'public') and p.prokind = 'f' and p.prolang in (select oid from pg_language where lanname in ('sql', 'plpgsql'))
            and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
          order by 1`,
      ),
    );
    expect(fns.filter((f) => f.trigger).length).toBeGreaterThan(20);

    const review: ReturnType<typeof reviewFunction>[] = [];
    for (const f of fns) {
      const r = reviewFunction(f, distributed, reference);
      if (r.touches.length || r.nodeLocal.length) review.push(r);
    }

    const offenders = review.filter((r) => r.unpinned.length && !SPANS_TENANTS[r.fn]);
    expect(offenders.map((r) => `${r.fn}${r.trigger ? ' (trigger)' : ''}: ${r.unpinned.join(' | ')}`)).toEqual([]);
    // No trigger may span tenants, excused or not: it would run on one shard's node.
    expect(review.filter((r) => r.trigger && r.unpinned.length).map((r) => r.fn)).toEqual([]);
    // The list names only functions that exist and span tenants.
    expect(Object.keys(SPANS_TENANTS).filter((n) => !review.some((r) => r.fn === n && r.unpinned.length))).toEqual([]);
    // Node-local effects of triggers (the runbook says what they mean on Citus).
    const notifying = review.filter((r) => r.nodeLocal.includes('notify')).map((r) => r.fn);
    const locking = review.filter((r) => r.nodeLocal.includes('advisory lock')).map((r) => r.fn);
    console.log(`${fns.length} functions (${fns.filter((f) => f.trigger).length} trigger functions), ${review.filter((r) => r.touches.length).length} touch tables; spanning tenants on purpose: ${Object.keys(SPANS_TENANTS).length}; NOTIFY: ${notifying.join(', ')}; advisory locks: ${locking.join(', ')}`);
    expect(notifying).toContain('app.notify_inbox_event');
    expect(locking).toContain('app.guard_slot_seats');
  });
});
