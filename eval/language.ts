/**
 * The language a reply is written in, judged from the reply alone: the evaluation's own
 * reading, independent of the engine's language detector (which would only agree with
 * itself). Counts common function words of Indonesian, English and Spanish; a reply with no
 * clear winner is `undefined`, which fails any `language` expectation.
 */
export type ReplyLanguage = 'id' | 'en' | 'es';

const WORDS: Record<ReplyLanguage, Set<string>> = {
  id: new Set(
    ('saya kamu anda apa apakah yang dan di ke dari untuk dengan ini itu ada sudah belum akan bisa boleh mau ingin kami kita ' +
      'tidak atau juga jadwal pilih terima kasih silakan baik maaf berapa kapan bagaimana tahun depan nama rencana siapa ' +
      'konsultan konsultasi sebutkan tanggal jam hari senin selasa rabu kamis jumat sabtu minggu kuliah negara budget punya dokumen sip oke catat dicatat')
      .split(' '),
  ),
  en: new Set(
    ('i you your we our the a an and of to in for with is are am be will would can could what which when how who please thanks thank ' +
      'sorry noted got it this that there do does have has not yet next year name plan choose pick slot slots consultation ' +
      'consultant study monday tuesday wednesday thursday friday saturday sunday let me know here reply')
      .split(' '),
  ),
  es: new Set(
    ('yo tu usted su sus el la los las un una y de del en con para por que qué es son está estás puedo puede quieres gracias ' +
      'perfecto listo cita hora día lunes martes miércoles miercoles jueves viernes sábado sabado domingo servicio dirección ' +
      'direccion nombre cuál cual cuándo cuando cómo como le te lo mi al hay muy bien')
      .split(' '),
  ),
};

const LANGUAGES: ReplyLanguage[] = ['id', 'en', 'es'];

export function replyLanguage(text: string): ReplyLanguage | undefined {
  const words = text.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  const scores: Record<ReplyLanguage, number> = { id: 0, en: 0, es: 0 };
  for (const w of words) for (const l of LANGUAGES) if (WORDS[l].has(w)) scores[l] += 1;
  if (/[¿¡ñ]/.test(text)) scores.es += 2;
  const ranked = [...LANGUAGES].sort((a, b) => scores[b] - scores[a]);
  const best = ranked[0]!;
  if (scores[best] === 0 || scores[best] === scores[ranked[1]!]) return undefined;
  return best;
}
