import type { Ctx } from '../context.ts';

/**
 * Runs `fn` in a savepoint of the caller's transaction: what it wrote is undone if it throws
 * (and the error goes on), while the transaction stays usable, so that a failed tool call or
 * lookup does not cost the whole turn or request.
 */
export async function inSavepoint<T>(ctx: Ctx, name: string, fn: () => Promise<T>): Promise<T> {
  await ctx.tx.query(`savepoint ${name}`);
  try {
    const result = await fn();
    await ctx.tx.query(`release savepoint ${name}`);
    return result;
  } catch (e) {
    await ctx.tx.query(`rollback to savepoint ${name}`);
    throw e;
  }
}
