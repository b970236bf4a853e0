import { createHash } from 'node:crypto';

/** The built-in engine as an arm of the A/B split, and as ari_messages.ai_model records it. */
export const RULE_ENGINE_ARM = 'rule-engine';

/** One side of a workspace's A/B split: a model behind an OpenAI-compatible endpoint, or the built-in engine. */
export type Arm =
  | { name: typeof RULE_ENGINE_ARM; kind: 'rule-engine'; weight: number }
  | {
      name: string;
      kind: 'model';
      weight: number;
      baseUrl: string;
      model: string;
      apiKey?: string | undefined;
      /** A key is stored but could not be opened here (no or another FRONTDESK_SECRET_KEY): calling would only be refused. */
      keyUnavailable?: boolean;
    };

/** Where a contact falls in [0, 1): the first 48 bits of SHA-256 of its id, the same on every run and machine. */
export function contactBucket(contactId: string): number {
  return createHash('sha256').update(contactId).digest().readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The arm a new contact gets: contacts are spread over the arms in proportion to their
 * weights by a hash of the contact id. Arms of weight 0 take no new contacts.
 */
export function assignArm<A extends { name: string; weight: number }>(arms: readonly A[], contactId: string): A {
  const total = arms.reduce((sum, a) => sum + Math.max(0, a.weight), 0);
  if (arms.length === 0 || total <= 0) throw new Error('assignArm needs at least one arm with a positive weight');
  let point = contactBucket(contactId) * total;
  for (const arm of arms) {
    const w = Math.max(0, arm.weight);
    if (point < w) return arm;
    point -= w;
  }
  return arms.filter((a) => a.weight > 0).at(-1)!;
}

/**
 * The contact's arm: the one it was given before while that arm is still configured (even
 * at weight 0, so a change of weights moves nobody), otherwise a new assignment.
 */
export function stickyArm<A extends { name: string; weight: number }>(arms: readonly A[], assigned: string | null | undefined, contactId: string): A {
  return arms.find((a) => a.name === assigned) ?? assignArm(arms, contactId);
}
