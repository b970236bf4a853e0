/**
 * The receptionist's built-in engine (seed 004's laundry SMS agent): a pure, deterministic
 * dialogue over a service catalogue, a service area and free times. It reads no table and
 * calls no service; the turn gives it the conversation's record and tools over the database.
 */
export {
  decideReception,
  extractService,
  foldAccents,
  type BookingDraft,
  type BookResult,
  type OfferedService,
  type OfferedSlot,
  type ReceptionistContext,
  type ReceptionistResult,
  type ReceptionistState,
  type ReceptionistTools,
} from './engine.ts';
export { callGreeting, decimalAmount, formatPrice } from './messages.ts';
