import { describe, expect, it } from 'vitest';
import { isExplicitConfirmation, localeOf, understand } from './language.ts';
import { priceText } from './messages.ts';

// Sunday 22 November 2026: "el sábado" is the 28th, tomorrow the 23rd.
const TODAY = '2026-11-22';

describe("Amara's reading of a message", () => {
  it('reads a service need with a weekday as that weekday coming', () => {
    expect(understand('Hola, necesito una limpieza profunda para el sábado', TODAY)).toMatchObject({ wantsService: true, date: '2026-11-28', confirm: false, cancel: false });
    expect(understand('deep cleaning on saturday at 10am', TODAY)).toMatchObject({ wantsService: true, date: '2026-11-28', time: '10:00' });
    expect(understand('saya butuh bersih-bersih hari sabtu', TODAY)).toMatchObject({ wantsService: true, date: '2026-11-28' });
  });

  it('tells a start time from a number of hours, and reads a phone number apart from both', () => {
    expect(understand('A las 10, por 4 horas. Mi número es 300 123 4567', TODAY)).toMatchObject({ time: '10:00', hours: 4, phone: '3001234567' });
    expect(understand('3 pm tomorrow for three hours', TODAY)).toMatchObject({ date: '2026-11-23', time: '15:00', hours: 3 });
    expect(understand('besok jam 2 siang 3 jam', TODAY)).toMatchObject({ date: '2026-11-23', time: '14:00', hours: 3 });
    expect(understand('28 de noviembre a las 8:30 de la mañana', TODAY)).toMatchObject({ date: '2026-11-28', time: '08:30' });
    expect(understand('por la mañana', TODAY).date).toBeUndefined();
    expect(understand('I need 9 hours', TODAY).hours).toBe(9);
  });

  it('reads a choice from the numbered slots', () => {
    expect(understand('la 2', TODAY).choice).toBe(2);
    expect(understand('opción 3', TODAY).choice).toBe(3);
    expect(understand('the second one', TODAY).choice).toBe(2);
    expect(understand('a las 2', TODAY).choice).toBeUndefined();
  });

  it('takes only an explicit yes as confirmation, and a no or a cancel as cancellation', () => {
    for (const yes of ['Sí, confirmo', 'sí', 'yes', 'Yes, confirm', 'ya', 'iya, setuju', 'dale, resérvalo']) expect(isExplicitConfirmation(yes), yes).toBe(true);
    for (const notYes of ['¿cuánto cuesta?', 'no', 'mejor cancela', 'no confirmo todavía', 'batal saja', 'hmm, a las 12']) expect(isExplicitConfirmation(notYes), notYes).toBe(false);
    for (const no of ['no', 'Mejor cancela, gracias', 'cancel', 'never mind', 'batalkan', 'gak jadi']) expect(understand(no, TODAY).cancel, no).toBe(true);
  });

  it('speaks the locale of a tag and shows COP as Colombia writes it', () => {
    expect([localeOf('es-CO'), localeOf('id'), localeOf('en-US'), localeOf('pt-BR'), localeOf(null)]).toEqual(['es', 'id', 'en', 'en', 'en']);
    expect(priceText(160000, 'COP', 'es', 'CO')).toBe('$ 160.000 COP');
    expect(priceText(3250, 'USD', 'en', 'US')).toBe('$32.50 USD');
  });
});

describe('Amara reading real writing', () => {
  it('reads a corrected time ("make it 12", "mejor a las 12") apart from hours ("mejor 5 horas")', () => {
    expect(understand('actually make it 12', TODAY)).toMatchObject({ time: '12:00' });
    expect(understand('mejor a las 12', TODAY)).toMatchObject({ time: '12:00' });
    expect(understand('mejor 5 horas', TODAY)).toMatchObject({ hours: 5 });
    expect(understand('mejor 5 horas', TODAY).time).toBeUndefined();
  });

  it('hears a wish for a service through typos ("kiero", "nesecito")', () => {
    expect(understand('hola kiero una limpiesa profunda', TODAY).wantsService).toBe(true);
    expect(understand('nesecito planchdo', TODAY).wantsService).toBe(true);
  });
});
