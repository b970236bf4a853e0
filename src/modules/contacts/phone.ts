import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A phone number as E.164 ('+6281234567001'), read the way people write it: local
 * ('0812-3456-7001'), international ('+62 812 3456 7001') or with the country code but no
 * plus ('62812...'), with `defaultCountry` (ISO 3166 alpha-2, the workspace's country) for
 * numbers that carry none. Null when it cannot be a phone number, or when it has no country
 * code and no default country is given.
 *
 * This is how every module decides whether two numbers are the same person. It accepts
 * any number of a possible length rather than only those in known ranges, so that a
 * customer on a newly opened range is never refused; but never what E.164 itself refuses (a
 * country code and at most 15 digits in all, at least 7: the `contacts.phone` check), which
 * libphonenumber's "possible" lets through for some countries (16 digits in Germany, 6 in
 * Austria). Every edge that takes a phone (the API, the webhooks, the CLI, the assistants'
 * tools) reads it here, so a number the database would refuse is refused where it came in.
 */
export function normalizePhone(input: string, defaultCountry?: string): string | null {
  if (input.length > 64) return null; // no phone is written this long; spare the parser
  const country = defaultCountry !== undefined && isSupportedCountry(defaultCountry) ? defaultCountry : undefined;
  const parsed = parsePhoneNumberFromString(input, country);
  return parsed?.isPossible() && E164.test(parsed.number) ? parsed.number : null;
}

/** E.164 as `contacts.phone` checks it: a plus, a country code that does not start with 0, 7 to 15 digits in all. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;
