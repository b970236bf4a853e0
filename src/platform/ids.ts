import { v7 } from 'uuid';

/** Time-ordered UUIDv7, made in the application: PostgreSQL before 18 has no uuidv7(). */
export const newId = (): string => v7();
