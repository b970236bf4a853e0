import { describe, expect, it } from 'vitest';
import { acknowledge, asksForPerson, asksPrice, conversationLanguage, languageAskedFor, whenNamed, dayPartNamed, emptyStreak, extractMoney, nearlyWord, stuck, timeNamed, wordsToNumber } from './index.ts';

describe("the conversation's language", () => {
  it('is set by the first message that tells, else the workspace fallback', () => {
    expect(conversationLanguage('Hola, necesito recoger ropa', undefined, 'en', { services: true })).toBe('es');
    expect(conversationLanguage('I need a pickup', undefined, 'es', { services: true })).toBe('en');
    expect(conversationLanguage('hi', undefined, 'es')).toBe('es');
    expect(conversationLanguage('M5V 2T6', undefined, 'en')).toBe('en');
  });

  it('is not switched by a course, city or product name', () => {
    expect(conversationLanguage('Mau ambil S2 Master of Data Science', 'id', 'id')).toBe('id');
    expect(conversationLanguage('Master of Data Science', 'id', 'id')).toBe('id');
    expect(conversationLanguage('Regular Wash & Fold please', 'es', 'es', { services: true })).toBe('es');
    expect(conversationLanguage('vivo en Los Angeles', 'es', 'es')).toBe('es');
    expect(conversationLanguage('Express', 'es', 'es', { services: true })).toBe('es');
    expect(conversationLanguage('ok thanks', 'es', 'es')).toBe('es');
  });

  it('switches on a whole message clearly in another language', () => {
    expect(conversationLanguage('sorry, can we continue in English please', 'es', 'es')).toBe('en');
    expect(conversationLanguage('quiero el Express, 2 cargas', 'en', 'en', { services: true })).toBe('es');
    expect(conversationLanguage('¿cuánto cuesta?', 'en', 'en')).toBe('es');
    expect(conversationLanguage('gracias', 'en', 'en')).toBe('en');
  });
});

describe('a request for a person', () => {
  it('is read in English, Spanish and Indonesian, with or without accents', () => {
    for (const m of ['can I talk to a real person', 'speak to the manager please', 'agent', 'representative', 'quiero hablar con alguien', 'pásame con una persona', 'atención humana por favor', 'mau bicara dengan admin', 'minta cs dong'])
      expect(asksForPerson(m), m).toBe(true);
    for (const m of ['I need a pickup', 'quiero limpieza profunda', 'personal items too', 'who is the person picking up?']) expect(asksForPerson(m), m).toBe(false);
  });
});

describe('messages with nothing usable', () => {
  it('count in a row, reset by anything usable, and are stuck only past three', () => {
    let streak = 0;
    for (const usable of [false, false, true, false, false, false]) streak = emptyStreak(streak, usable);
    expect(streak).toBe(3);
    expect(stuck(streak)).toBe(false);
    expect(stuck(emptyStreak(streak, false))).toBe(true);
  });
});

describe('the receipt for facts given', () => {
  it('lists them in the conversation language', () => {
    expect(acknowledge('en', ['3 loads', '120 King St W'])).toBe('Noted: 3 loads and 120 King St W.');
    expect(acknowledge('es', ['4 horas', 'el sábado', '300 123 4567'])).toBe('Anotado: 4 horas, el sábado y 300 123 4567.');
    expect(acknowledge('id', ['paspor'])).toBe('Dicatat: paspor.');
    expect(acknowledge('en', [])).toBe('');
  });
});

describe('numbers as people write them', () => {
  it('reads money in figures, abbreviations and words', () => {
    expect(extractMoney('tengo 40 mil pesos')).toBe(40000);
    expect(extractMoney('my budget is $40k')).toBe(40000);
    expect(extractMoney('cuarenta mil pesos')).toBe(40000);
    expect(extractMoney('unos cuarenta mil')).toBe(40000);
    expect(extractMoney('$ 160.000 COP')).toBe(160000);
    expect(extractMoney('1,5 millones de pesos')).toBe(1500000);
    expect(extractMoney('$12.50')).toBe(12.5);
    expect(extractMoney('3 loads at 10')).toBeUndefined();
    expect(extractMoney('4 horas')).toBeUndefined();
  });

  it('reads counts in words', () => {
    expect(wordsToNumber('cuarenta mil')).toBe(40000);
    expect(wordsToNumber('two hundred and five')).toBe(205);
    expect(wordsToNumber('tres')).toBe(3);
    expect(wordsToNumber('banana')).toBeUndefined();
  });
});

describe('times and typos', () => {
  it('reads the hour of a time named, a bare 1-7 meaning the afternoon', () => {
    expect(timeNamed('the 2pm one')).toEqual({ hour: 14, minute: 0 });
    expect(timeNamed('el de las 4')).toEqual({ hour: 16, minute: 0 });
    expect(timeNamed('a las dos de la tarde')).toEqual({ hour: 14, minute: 0 });
    expect(timeNamed('at 9 in the morning')).toEqual({ hour: 9, minute: 0 });
    expect(timeNamed('11:30')).toEqual({ hour: 11, minute: 30 });
    expect(timeNamed('3 loads')).toBeUndefined();
    expect(dayPartNamed('mañana en la tarde')).toBe('afternoon');
    expect(dayPartNamed('por la mañana')).toBe('morning');
    expect(dayPartNamed('mañana')).toBeUndefined();
  });

  it('takes a misspelt name with one slip in five letters, two in eight', () => {
    expect(nearlyWord('expres', 'express')).toBe(true);
    expect(nearlyWord('premiun', 'premium')).toBe(true);
    expect(nearlyWord('reguler', 'regular')).toBe(true);
    expect(nearlyWord('limpiesa', 'limpieza')).toBe(true);
    expect(nearlyWord('press', 'express')).toBe(false);
    expect(nearlyWord('cat', 'car')).toBe(false);
  });
});

describe('a question about price', () => {
  it('is read with or without accents, in the three languages', () => {
    for (const m of ['¿Cuánto cuesta la hora?', 'cuanto cuesta la carga', 'cuánto vale la limpieza profunda', 'hola cuanto cobran por carga', 'How much is express?', 'what do you charge', 'what are your prices?', 'berapa harganya kak'])
      expect(asksPrice(m), m).toBe(true);
    for (const m of ['I need a pickup', 'tres cargas', 'el sábado a las 10', 'cuántas horas son?']) expect(asksPrice(m), m).toBe(false);
  });
});

describe('a request for another language', () => {
  it('names the language asked for, in whatever language it is written', () => {
    expect(languageAskedFor('Sorry, can we continue in English please')).toBe('en');
    expect(languageAskedFor('perdón, ¿podemos hablar en español?')).toBe('es');
    expect(languageAskedFor('in Spanish please')).toBe('es');
    expect(languageAskedFor('en ingles porfa')).toBe('en');
    expect(languageAskedFor('pakai bahasa Indonesia aja kak')).toBe('id');
  });

  it('is not a language merely named, and wins over the word count when it is', () => {
    for (const m of ['my English is good', 'bahasa Inggris saya lumayan', 'english sy advanced kak', 'mi nivel de inglés es básico', 'I studied English for years']) expect(languageAskedFor(m), m).toBeUndefined();
    expect(conversationLanguage('in Spanish please', 'en', 'en')).toBe('es');
    expect(conversationLanguage('perdón, ¿podemos hablar en español?', 'en', 'en', { services: true })).toBe('es');
  });
});

describe('the day and time a message wishes for', () => {
  it('is said back short in the conversation language, never as the whole message', () => {
    expect(whenNamed('hi i need a pickup tomorrow afternoon my postal code is m5v 2t6', 'en')).toBe('tomorrow afternoon');
    expect(whenNamed('hola necesito recogida el martes en la tarde', 'es')).toBe('el martes por la tarde');
    expect(whenNamed('mañana a las 3', 'es')).toBe('mañana 15:00');
    expect(whenNamed('por la mañana', 'es')).toBe('por la mañana');
    expect(whenNamed('besok pagi', 'id')).toBe('besok pagi');
    expect(whenNamed('3 loads at 120 King St W', 'en')).toBeUndefined();
  });
});
