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
 * customer on a newly opened range is never refused.
 */
export function normalizePhone(input: string, defaultCountry?: string): string | null {
  const country = defaultCountry !== undefined && isSupportedCountry(defaultCountry) ? defaultCountry : undefined;
  const parsed = parsePhoneNumberFromString(input, country);
  return parsed?.isPossible() ? parsed.number : null;
}
