import { describe, expect, it } from 'vitest';
import { conversationLanguage } from './language.ts';

describe("the conversation's language", () => {
  it.each([
    // A course, product or city name inside a message in the conversation's language does not switch it.
    ['Mau ambil S2 Master of Data Science', 'id', 'id'],
    ['Master of Data Science', 'id', 'id'],
    ['sy mau study di UK next year', 'id', 'id'],
    ['budget saya 600jt, intake september', 'id', 'id'],
    // A whole message in another language does.
    ['I need a refund', 'id', 'en'],
    ['Sorry, can we continue in English please', 'id', 'en'],
    ['Halo, my name is John', 'id', 'en'],
    ['Quiero estudiar en Canadá', 'en', 'es'],
    // Saying nothing about a language, or one word of another, keeps the conversation's.
    ['yes', 'id', 'id'],
    ['ok', 'en', 'en'],
    ['2', 'es', 'es'],
    ['budi@example.com', 'en', 'en'],
  ])('%j in a conversation in %s -> %s', (message, prior, expected) => {
    expect(conversationLanguage(message, prior as 'id' | 'en' | 'es', 'id')).toBe(expected);
  });

  it("starts in the workspace's language unless the first message has a marker of another and none of it", () => {
    expect(conversationLanguage('Halo', undefined, 'id')).toBe('id');
    expect(conversationLanguage('hi', undefined, 'id')).toBe('id');
    expect(conversationLanguage("Hi, I'd like to study in Canada", undefined, 'id')).toBe('en');
    expect(conversationLanguage('Halo, saya mau kuliah master di Australia', undefined, 'en')).toBe('id');
    expect(conversationLanguage('mau nanya dong kak, study abroad ke UK gimana', undefined, 'id')).toBe('id');
  });
});
