/**
 * Messages that carried nothing usable: the one count every engine keeps. Only such messages
 * earn "I did not understand"; a message with any fact, answer, question or choice in it
 * resets the count, and only a run of empty ones makes the assistant give up and bring in a
 * person (or offer one).
 */

/** Empty messages in a row the assistant answers by asking again; the next one brings in a person. */
export const EMPTY_MESSAGES_TOLERATED = 3;

/** The run of empty messages after this one. */
export function emptyStreak(previous: number | undefined, usable: boolean): number {
  return usable ? 0 : (previous ?? 0) + 1;
}

/** Whether the run is long enough to stop trying alone. */
export const stuck = (streak: number): boolean => streak > EMPTY_MESSAGES_TOLERATED;
