import { decideReception, type ReceptionistState, type ReceptionistContext } from './src/modules/assistant/engines/receptionist/engine.ts';
const SERVICES = [
  { id: 'regular', name: 'Regular Wash & Fold', unit_name: 'load', base_price_minor: 1500, unit_price_minor: 800, currency: 'CAD', turnaround: '48 h', keywords: ['regular', 'standard'] },
  { id: 'express', name: 'Express Wash & Fold', unit_name: 'load', base_price_minor: 2000, unit_price_minor: 1200, currency: 'CAD', turnaround: '24 h', keywords: ['express', 'fast'] },
  { id: 'premium', name: 'Premium Same-Day', unit_name: 'load', base_price_minor: 3000, unit_price_minor: 1800, currency: 'CAD', turnaround: 'same day', keywords: ['premium', 'same day'] },
];
const SLOTS = [['2026-11-23T14:00:00.000Z','Mon 23 Nov 09:00'],['2026-11-23T19:00:00.000Z','Mon 23 Nov 14:00'],['2026-11-24T14:00:00.000Z','Tue 24 Nov 09:00'],['2026-11-24T21:00:00.000Z','Tue 24 Nov 16:00']].map(([s,l]) => ({ start: s!, end: s!, consultant_id: null, label: l! }));
const tools = { checkArea: async (p: string) => ({ covered: /^(M4|M5|L5|V6)/.test(p), postal_code: p }), availableSlots: async () => SLOTS, book: async () => ({ ok: true as const, booking_id: 'b1' }), answer: async (q: string) => (/price|cost|how much|precio|cuesta/i.test(q) ? 'Regular: $15 + $8 per load.' : undefined) };
const scripts = JSON.parse(process.argv[2]!) as string[][];
for (const msgs of scripts) {
  let state: ReceptionistState = 'greeting'; let context: ReceptionistContext = {};
  for (const message of msgs) {
    const r = await decideReception({ message, now: new Date('2026-11-23T13:00:00Z'), timeZone: 'America/Toronto', state, context, services: SERVICES, businessName: '1StopLaundry', defaultLanguage: 'en' }, tools);
    state = r.state; context = r.context;
    console.log(`> ${message}\n< [${r.state}${r.handoff ? ' HANDOFF' : ''} ${context.language}] ${r.reply}`);
  }
  console.log('---', JSON.stringify({ p: context.postal_code, s: context.service_id, u: context.units, a: context.address, n: context.name }));
}
