import { screenStrings } from './strings';

// Mentions: the notes in which a teammate named the signed-in person.
const en = {
  nav: 'Mentions',
  unread: '{count} unread',
  title: 'Mentions',
  intro: 'Private notes in which a teammate mentioned you, newest first.',
  empty: 'Nobody has mentioned you in a note yet.',
  markAll: 'Mark all read',
  markRead: 'Mark read',
  open: 'Open the conversation',
  by: '{author} on {contact} ({channel})',
  isUnread: 'Unread',
  someone: 'A teammate',
  toast: '{author} mentioned you: “{text}”',
  dismiss: 'Dismiss',
};

const id: Record<keyof typeof en, string> = {
  nav: 'Sebutan',
  unread: '{count} belum dibaca',
  title: 'Sebutan',
  intro: 'Catatan pribadi tempat rekan tim menyebut Anda, yang terbaru dulu.',
  empty: 'Belum ada yang menyebut Anda di catatan.',
  markAll: 'Tandai semua sudah dibaca',
  markRead: 'Tandai sudah dibaca',
  open: 'Buka percakapan',
  by: '{author} di {contact} ({channel})',
  isUnread: 'Belum dibaca',
  someone: 'Rekan tim',
  toast: '{author} menyebut Anda: “{text}”',
  dismiss: 'Tutup',
};

const es: Record<keyof typeof en, string> = {
  nav: 'Menciones',
  unread: '{count} sin leer',
  title: 'Menciones',
  intro: 'Notas privadas en las que un compañero te mencionó, las más recientes primero.',
  empty: 'Nadie te ha mencionado en una nota todavía.',
  markAll: 'Marcar todas como leídas',
  markRead: 'Marcar como leída',
  open: 'Abrir la conversación',
  by: '{author} en {contact} ({channel})',
  isUnread: 'Sin leer',
  someone: 'Un compañero',
  toast: '{author} te mencionó: “{text}”',
  dismiss: 'Cerrar',
};

export const useMentionsT = screenStrings({ en, id, es });
