import { fold } from './language.ts';

/**
 * An explicit request for a person, in Indonesian, English and Spanish: the one rule every
 * engine hands off on, whatever state the conversation is in.
 */

const PATTERNS: RegExp[] = [
  /\b(?:bicara|ngomong|berbicara|ngobrol|chat|hubungkan|sambungkan|connect|bicara langsung)\b.{0,25}\b(?:orang|manusia|admin|cs|konsultan|staf|staff|petugas|person|human|someone|agent|consultant)\b/,
  /\b(?:mau|minta|pengen|ingin|butuh|tolong)\s+(?:sama\s+|dengan\s+|ke\s+)?(?:orang(?:\s+asli)?|manusia|admin|cs|konsultan|staf|petugas)(?:\s+(?:aja|saja|langsung|dong))?\b/,
  /\b(?:orang asli|manusia asli|customer service)\b/,
  /\b(?:human(?!\s+(?:resources?|rights|development|capital|biology|geography))|real person|live agent|an agent|the agent|representative|operator)\b/,
  /\b(?:speak|talk|chat)\s+(?:to|with)\s+(?:someone|somebody|a person|a human|an agent|a consultant|an advisor|staff|a real person|your team|the manager|a manager|the owner|a supervisor)\b/,
  /\bhablar\s+con\s+(?:una\s+persona|alguien|un\s+humano|un\s+asesor|un\s+agente|una\s+asesora|un\s+consultor|el\s+equipo|el\s+encargado|la\s+encargada)\b/,
  /\b(?:persona real|un humano|asesor|asesora|agente humano|atencion humana)\b/,
  /\b(?:pasame|paseme|pasenme|comunicame|comuniqueme)\s+con\b/,
  /\b(?:quiero|necesito|prefiero)\s+(?:una\s+persona|un\s+humano|alguien\s+real)\b/,
];
const ALONE = ['konsultan', 'admin', 'cs', 'orang', 'manusia', 'human', 'agent', 'consultant', 'person', 'asesor', 'agente', 'humano', 'persona'];

/** Whether the message asks for a person of the business instead of the assistant. */
export function asksForPerson(message: string): boolean {
  const f = fold(message).trim();
  const bare = f.replace(/[^\p{L}\s]/gu, '').replace(/\s+(?:please|por favor|dong|aja)$/u, '').trim();
  if (ALONE.includes(bare)) return true;
  return PATTERNS.some((re) => re.test(f));
}
