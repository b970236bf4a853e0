import type { Database } from '../platform/db/database.ts';

export interface SeededWorkspace {
  slug: string;
  workspaceId: string;
  created: boolean;
}

export async function seedDemo(_db: Database): Promise<SeededWorkspace[]> {
  return [];
}
