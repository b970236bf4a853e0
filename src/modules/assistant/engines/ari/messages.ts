import type { Item, Language, Persona } from './types.ts';

/**
 * Every sentence the engine says, in Indonesian, English and Spanish. Short (one or two
 * sentences each), no emoji. Indonesian uses "kamu", or "Anda" for a formal persona.
 */

export type DayPart = 'morning' | 'midday' | 'afternoon' | 'night';

/** pagi 5-11, siang 11-15, sore 15-18, malam otherwise (the original's WIB rule). */
export function dayPart(hour: number): DayPart {
  if (hour >= 5 && hour < 11) return 'morning';
  if (hour >= 11 && hour < 15) return 'midday';
  if (hour >= 15 && hour < 18) return 'afternoon';
  return 'night';
}

const TIME_GREETINGS: Record<Language, Record<DayPart, string>> = {
  id: { morning: 'Selamat pagi', midday: 'Selamat siang', afternoon: 'Selamat sore', night: 'Selamat malam' },
  en: { morning: 'Good morning', midday: 'Good afternoon', afternoon: 'Good afternoon', night: 'Good evening' },
  es: { morning: 'Buenos días', midday: 'Buenas tardes', afternoon: 'Buenas tardes', night: 'Buenas noches' },
};

export function timeGreeting(language: Language, hour: number): string {
  return TIME_GREETINGS[language][dayPart(hour)];
}

const QUESTIONS: Record<Language, Record<Item, string>> = {
  id: {
    name: 'Boleh tahu nama lengkap {kamu}?',
    destination: 'Negara tujuannya ke mana? UK, Australia, atau yang lain?',
    english_level: 'Kemampuan bahasa Inggris {kamu} di level mana: pemula, menengah, mahir, atau sudah punya skor IELTS?',
    budget: 'Budget untuk kuliah kira-kira berapa? Nanti saya carikan yang cocok.',
    timeline: 'Rencananya mau berangkat kapan? Tahun ini atau tahun depan?',
    email: 'Email {kamu} yang aktif apa? Untuk kirim info lebih lanjut.',
    passport: 'Paspor sudah punya belum?',
    cv: 'CV atau resume sudah siap?',
    english_test: 'Sudah punya sertifikat IELTS atau TOEFL?',
    transcript: 'Transkrip nilai dari kampus atau sekolah sudah ada?',
  },
  en: {
    name: 'May I have your full name?',
    destination: 'Which country would you like to study in? The UK, Australia, or somewhere else?',
    english_level: 'How is your English: beginner, intermediate, advanced, or do you have an IELTS score?',
    budget: 'Roughly what budget do you have for your studies?',
    timeline: 'When are you planning to start: this year or next year?',
    email: 'What is your email address, so we can send you more information?',
    passport: 'Do you already have a passport?',
    cv: 'Is your CV or resume ready?',
    english_test: 'Do you have an IELTS or TOEFL certificate?',
    transcript: 'Do you have your academic transcript?',
  },
  es: {
    name: '¿Cuál es tu nombre completo?',
    destination: '¿En qué país te gustaría estudiar? ¿Reino Unido, Australia u otro?',
    english_level: '¿Qué nivel de inglés tienes: básico, intermedio, avanzado, o tienes puntaje IELTS?',
    budget: '¿Qué presupuesto tienes aproximadamente para tus estudios?',
    timeline: '¿Cuándo piensas empezar: este año o el próximo?',
    email: '¿Cuál es tu correo electrónico, para enviarte más información?',
    passport: '¿Ya tienes pasaporte?',
    cv: '¿Tienes tu CV listo?',
    english_test: '¿Tienes certificado de IELTS o TOEFL?',
    transcript: '¿Tienes tu certificado de notas académico?',
  },
};

export type HandoffKind =
  | 'human_requested'
  | 'sensitive_topic'
  | 'struggling'
  | 'hot_lead'
  | 'no_suitable_slot'
  | 'booking_failed'
  | 'booked_unpaid'
  | 'payment_failed'
  | 'reschedule_requested';

interface Catalogue {
  intro: (bot: string, business?: string) => string;
  hello: (greeting: string, name?: string) => string;
  niceToMeet: (first: string) => string;
  noProblem: string;
  notUnderstood: string;
  noAnswer: string;
  technicalError: string;
  destinations: (country: string, names: string) => string;
  eligible: (names: string) => string;
  notEligible: (name: string, missing: string) => string;
  generalRequirement: (ielts: string) => string;
  noDestinations: (country: string) => string;
  warmIntro: string;
  share: (title: string, snippet: string) => string;
  openQuestion: (country?: string) => string;
  offer: (price?: string) => string;
  chooseHint: string;
  /** The slot list re-offered in one short line, after a message that carried something else. */
  slotsAgain: (n: number) => string;
  confirm: (label: string) => string;
  rechoose: string;
  noSlotsOnDay: string;
  slotTaken: string;
  payment: (label: string, url: string, expires: string, price?: string) => string;
  paymentReminder: (url: string, expires: string) => string;
  paymentWait: string;
  paid: (label: string) => string;
  paymentRetry: (url: string) => string;
  paymentExpired: string;
  booked: (label: string) => string;
  scheduled: (label: string) => string;
  goodbye: string;
  cold: (date: string, link?: string) => string;
  handoff: Record<HandoffKind, (detail?: string) => string>;
}

const CATALOGUE: Record<Language, Catalogue> = {
  id: {
    intro: (bot, business) => `Saya ${bot}${business ? ` dari ${business}` : ''}, siap bantu rencana kuliah {kamu} ke luar negeri.`,
    hello: (greeting, name) => `${greeting}${name ? `, ${name}` : ''}!`,
    niceToMeet: (first) => `Salam kenal, ${first}!`,
    noProblem: 'Tidak apa-apa.',
    notUnderstood: 'Maaf, saya belum menangkap jawabannya.',
    noAnswer: 'Maaf, saya belum punya informasi yang pasti soal itu. Kalau mau dibantu konsultan kami, balas "konsultan".',
    technicalError: 'Maaf, ada gangguan teknis. Bentar ya.',
    destinations: (country, names) => `Kampus di ${country} yang bisa kami bantu: ${names}.`,
    eligible: (names) => `Yang sesuai profil {kamu}: ${names}.`,
    notEligible: (name, missing) => `Untuk ${name} syaratnya ${missing}.`,
    generalRequirement: (ielts) => `Syarat umumnya IELTS mulai ${ielts}.`,
    noDestinations: (country) => `Maaf, saya belum punya data kampus di ${country}. Kalau mau dibantu konsultan kami, balas "konsultan".`,
    warmIntro: 'Terima kasih, datanya sudah lengkap.',
    share: (title, snippet) => `Info yang mungkin berguna (${title}): ${snippet}`,
    openQuestion: (country) => (country ? `Ada yang ingin {kamu} tanyakan soal kuliah di ${country}?` : 'Ada yang ingin {kamu} tanyakan soal rencana kuliah {kamu}?'),
    offer: (price) => `Profil {kamu} cocok untuk konsultasi 1-on-1 dengan konsultan kami${price ? ` (60 menit, ${price})` : ''}. Pilih jadwalnya:`,
    chooseHint: 'Balas dengan nomornya, misalnya "2".',
    slotsAgain: (n) => `Jadwal konsultasinya tinggal dipilih: balas nomor 1-${n} di atas, atau sebut harinya (misalnya "Senin pagi").`,
    confirm: (label) => `Jadwal ${label}, betul? Balas "ya" untuk konfirmasi.`,
    rechoose: 'Baik, ini pilihan jadwalnya:',
    noSlotsOnDay: 'Tidak ada jadwal kosong di waktu itu. Ini pilihan yang ada:',
    slotTaken: 'Maaf, jadwal itu baru saja terisi. Ini pilihan lainnya:',
    payment: (label, url, expires, price) => `Jadwal ${label} sudah kami tahan untuk {kamu}. Silakan bayar${price ? ` ${price}` : ''} lewat link ini: ${url} (berlaku sampai ${expires}).`,
    paymentReminder: (url, expires) => `Link pembayaran {kamu}: ${url} (berlaku sampai ${expires}).`,
    paymentWait: 'Terima kasih. Begitu pembayaran kami terima, jadwal {kamu} langsung terkonfirmasi.',
    paid: (label) => `Pembayaran diterima. Jadwal konsultasi {kamu}: ${label}. Link meeting akan dikirim 1 jam sebelum jadwal.`,
    paymentRetry: (url) => `Pembayaran belum berhasil. Silakan coba lagi lewat link ini: ${url}`,
    paymentExpired: 'Link pembayaran sudah kedaluwarsa. Balas "link" untuk link yang baru.',
    booked: (label) => `Jadwal konsultasi {kamu} terkonfirmasi: ${label}. Link meeting akan dikirim 1 jam sebelum jadwal.`,
    scheduled: (label) => `Jadwal konsultasi {kamu}: ${label}. Ada lagi yang bisa saya bantu?`,
    goodbye: 'Sama-sama! Sampai jumpa di sesi konsultasi.',
    cold: (date, link) =>
      link
        ? `Terima kasih! Untuk sekarang, gabung dulu di komunitas kami untuk info beasiswa dan persiapan kuliah: ${link}. Kami akan menghubungi {kamu} lagi sekitar ${date}.`
        : `Terima kasih! Kami akan menghubungi {kamu} lagi sekitar ${date} untuk melanjutkan rencana kuliah {kamu}.`,
    handoff: {
      human_requested: () => 'Baik, saya hubungkan {kamu} dengan konsultan kami. Mereka akan membalas di chat ini secepatnya.',
      sensitive_topic: (topic) => `Untuk soal ${topic ?? 'itu'}, konsultan kami yang akan membantu langsung. Mereka akan membalas di chat ini secepatnya.`,
      struggling: () => 'Maaf kalau saya belum bisa membantu dengan baik. Saya hubungkan {kamu} dengan konsultan kami, mereka akan membalas secepatnya.',
      hot_lead: () => 'Profil {kamu} sangat cocok untuk konsultasi 1-on-1. Konsultan kami akan menghubungi {kamu} di chat ini untuk mengatur jadwal.',
      no_suitable_slot: () => 'Baik, konsultan kami akan menghubungi {kamu} di chat ini untuk mencari waktu yang cocok.',
      booking_failed: () => 'Maaf, ada kendala saat memesan jadwal. Konsultan kami akan membantu {kamu} langsung di chat ini.',
      booked_unpaid: (label) => `Jadwal ${label ?? ''} sudah kami catat. Konsultan kami akan mengirim detail pembayarannya di chat ini.`,
      payment_failed: () => 'Pembayaran belum berhasil. Konsultan kami akan membantu {kamu} langsung di chat ini.',
      reschedule_requested: () => 'Baik, konsultan kami akan membantu mengatur ulang jadwal {kamu} di chat ini.',
    },
  },
  en: {
    intro: (bot, business) => `I'm ${bot}${business ? ` from ${business}` : ''}, here to help with your study-abroad plans.`,
    hello: (greeting, name) => `${greeting}${name ? `, ${name}` : ''}!`,
    niceToMeet: (first) => `Nice to meet you, ${first}!`,
    noProblem: 'No problem.',
    notUnderstood: "Sorry, I didn't quite get that.",
    noAnswer: "Sorry, I don't have reliable information on that. If you'd like one of our consultants to help, reply \"consultant\".",
    technicalError: 'Sorry, something went wrong on our side. One moment, please.',
    destinations: (country, names) => `Universities in ${country} we can help with: ${names}.`,
    eligible: (names) => `Matching your profile: ${names}.`,
    notEligible: (name, missing) => `${name} asks for ${missing}.`,
    generalRequirement: (ielts) => `They generally ask for IELTS ${ielts} or more.`,
    noDestinations: (country) => `Sorry, I don't have university data for ${country} yet. If you'd like one of our consultants to help, reply "consultant".`,
    warmIntro: 'Thank you, I have everything I need.',
    share: (title, snippet) => `Something you may find useful (${title}): ${snippet}`,
    openQuestion: (country) => (country ? `Is there anything you'd like to know about studying in ${country}?` : "Is there anything you'd like to know about your study plans?"),
    offer: (price) => `Your profile is a great fit for a 1-on-1 consultation with our consultants${price ? ` (60 minutes, ${price})` : ''}. Pick a time:`,
    chooseHint: 'Reply with the number, e.g. "2".',
    slotsAgain: (n) => `Your consultation time is still open: reply 1-${n} from the list above, or name the day (e.g. "Monday morning").`,
    confirm: (label) => `${label}, is that right? Reply "yes" to confirm.`,
    rechoose: 'Sure, here are the options:',
    noSlotsOnDay: 'There is no free time then. These are the options:',
    slotTaken: 'Sorry, that time was just taken. Here are the other options:',
    payment: (label, url, expires, price) => `We're holding ${label} for you. Please pay${price ? ` ${price}` : ''} here: ${url} (valid until ${expires}).`,
    paymentReminder: (url, expires) => `Your payment link: ${url} (valid until ${expires}).`,
    paymentWait: "Thank you. As soon as we receive the payment, your consultation is confirmed.",
    paid: (label) => `Payment received. Your consultation is on ${label}. We'll send the meeting link 1 hour before.`,
    paymentRetry: (url) => `The payment didn't go through. Please try again here: ${url}`,
    paymentExpired: 'The payment link has expired. Reply "link" for a new one.',
    booked: (label) => `Your consultation is confirmed for ${label}. We'll send the meeting link 1 hour before.`,
    scheduled: (label) => `Your consultation is on ${label}. Anything else I can help with?`,
    goodbye: "You're welcome! See you at the consultation.",
    cold: (date, link) =>
      link
        ? `Thank you! For now, join our community for scholarship news and study tips: ${link}. We'll get back to you around ${date}.`
        : `Thank you! We'll get back to you around ${date} to continue your study plans.`,
    handoff: {
      human_requested: () => "Sure, I'm connecting you with one of our consultants. They'll reply in this chat shortly.",
      sensitive_topic: (topic) => `For ${topic ?? 'that'}, one of our consultants will help you directly. They'll reply in this chat shortly.`,
      struggling: () => "Sorry I couldn't help better. I'm connecting you with one of our consultants; they'll reply shortly.",
      hot_lead: () => 'Your profile is a great fit for a 1-on-1 consultation. One of our consultants will contact you in this chat to set a time.',
      no_suitable_slot: () => "No problem, one of our consultants will contact you in this chat to find a time that works.",
      booking_failed: () => "Sorry, something went wrong while booking. One of our consultants will help you directly in this chat.",
      booked_unpaid: (label) => `We've noted ${label ?? 'your time'}. One of our consultants will send the payment details in this chat.`,
      payment_failed: () => "The payment didn't go through. One of our consultants will help you directly in this chat.",
      reschedule_requested: () => 'Sure, one of our consultants will help you reschedule in this chat.',
    },
  },
  es: {
    intro: (bot, business) => `Soy ${bot}${business ? ` de ${business}` : ''} y te ayudo con tus planes de estudiar en el extranjero.`,
    hello: (greeting, name) => `¡${greeting}${name ? `, ${name}` : ''}!`,
    niceToMeet: (first) => `¡Mucho gusto, ${first}!`,
    noProblem: 'No hay problema.',
    notUnderstood: 'Perdona, no te entendí bien.',
    noAnswer: 'Lo siento, no tengo información confiable sobre eso. Si quieres que te ayude un asesor, responde "asesor".',
    technicalError: 'Lo siento, tuvimos un problema técnico. Un momento, por favor.',
    destinations: (country, names) => `Universidades en ${country} con las que te podemos ayudar: ${names}.`,
    eligible: (names) => `Las que encajan con tu perfil: ${names}.`,
    notEligible: (name, missing) => `${name} pide ${missing}.`,
    generalRequirement: (ielts) => `Por lo general piden IELTS ${ielts} o más.`,
    noDestinations: (country) => `Lo siento, todavía no tengo datos de universidades en ${country}. Si quieres que te ayude un asesor, responde "asesor".`,
    warmIntro: 'Gracias, ya tengo todo lo que necesito.',
    share: (title, snippet) => `Algo que te puede servir (${title}): ${snippet}`,
    openQuestion: (country) => (country ? `¿Hay algo que quieras saber sobre estudiar en ${country}?` : '¿Hay algo que quieras saber sobre tus planes de estudio?'),
    offer: (price) => `Tu perfil es ideal para una asesoría 1 a 1 con nuestros asesores${price ? ` (60 minutos, ${price})` : ''}. Elige un horario:`,
    chooseHint: 'Responde con el número, por ejemplo "2".',
    slotsAgain: (n) => `Tu asesoría sigue pendiente: responde 1-${n} de la lista de arriba, o dime el día (por ejemplo "el lunes en la mañana").`,
    confirm: (label) => `${label}, ¿correcto? Responde "sí" para confirmar.`,
    rechoose: 'Claro, estas son las opciones:',
    noSlotsOnDay: 'No hay horarios libres en ese momento. Estas son las opciones:',
    slotTaken: 'Lo siento, ese horario se acaba de ocupar. Estas son las otras opciones:',
    payment: (label, url, expires, price) => `Te reservamos ${label}. Paga${price ? ` ${price}` : ''} aquí: ${url} (válido hasta ${expires}).`,
    paymentReminder: (url, expires) => `Tu enlace de pago: ${url} (válido hasta ${expires}).`,
    paymentWait: 'Gracias. En cuanto recibamos el pago, tu asesoría queda confirmada.',
    paid: (label) => `Pago recibido. Tu asesoría es el ${label}. Te enviaremos el enlace de la reunión 1 hora antes.`,
    paymentRetry: (url) => `El pago no se completó. Inténtalo de nuevo aquí: ${url}`,
    paymentExpired: 'El enlace de pago venció. Responde "link" para recibir uno nuevo.',
    booked: (label) => `Tu asesoría está confirmada para el ${label}. Te enviaremos el enlace de la reunión 1 hora antes.`,
    scheduled: (label) => `Tu asesoría es el ${label}. ¿Te ayudo con algo más?`,
    goodbye: '¡Con gusto! Nos vemos en la asesoría.',
    cold: (date, link) =>
      link
        ? `¡Gracias! Por ahora, únete a nuestra comunidad para noticias de becas y consejos: ${link}. Te contactaremos de nuevo alrededor del ${date}.`
        : `¡Gracias! Te contactaremos de nuevo alrededor del ${date} para seguir con tus planes de estudio.`,
    handoff: {
      human_requested: () => 'Claro, te comunico con uno de nuestros asesores. Te responderá en este chat muy pronto.',
      sensitive_topic: (topic) => `Sobre ${topic ?? 'eso'}, uno de nuestros asesores te ayudará directamente. Te responderá en este chat muy pronto.`,
      struggling: () => 'Perdona si no pude ayudarte mejor. Te comunico con uno de nuestros asesores; te responderá muy pronto.',
      hot_lead: () => 'Tu perfil es ideal para una asesoría 1 a 1. Uno de nuestros asesores te contactará en este chat para acordar el horario.',
      no_suitable_slot: () => 'No hay problema, uno de nuestros asesores te contactará en este chat para encontrar un horario.',
      booking_failed: () => 'Lo siento, hubo un problema al reservar. Uno de nuestros asesores te ayudará directamente en este chat.',
      booked_unpaid: (label) => `Anotamos ${label ?? 'tu horario'}. Uno de nuestros asesores te enviará los datos de pago en este chat.`,
      payment_failed: () => 'El pago no se completó. Uno de nuestros asesores te ayudará directamente en este chat.',
      reschedule_requested: () => 'Claro, uno de nuestros asesores te ayudará a cambiar el horario en este chat.',
    },
  },
};

/** The catalogue for a language; `address` fills in the form of address afterwards. */
export function messages(language: Language): Catalogue {
  return CATALOGUE[language];
}

/** Replaces {kamu} by the persona's form of address (Indonesian "kamu" or formal "Anda"). */
export function address(text: string, persona: Pick<Persona, 'greeting_style'>): string {
  return text.replace(/\{kamu\}/g, persona.greeting_style === 'formal' ? 'Anda' : 'kamu');
}

export function question(item: Item, language: Language): string {
  return QUESTIONS[language][item];
}

/** The fixed technical-error reply, for callers whose turn failed. */
export function technicalErrorMessage(language: Language): string {
  return CATALOGUE[language].technicalError;
}
