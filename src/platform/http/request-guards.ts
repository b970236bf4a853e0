/**
 * Checks made on every request before any handler sees it: JSON nesting depth and the
 * origin of cookie-authenticated state changes.
 */

/**
 * True when `text` nests arrays/objects deeper than `max`. A loop over the raw text, not a
 * parser: a deep document must not be able to overflow the stack of the check meant to stop
 * it. Brackets inside strings do not count; the text need not be valid JSON (the parser
 * that runs afterwards says so).
 */
export function jsonTooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a cookie-authenticated state change comes from a page we trust. Browsers send
 * Origin on every cross-origin POST/PUT/PATCH/DELETE (and on same-origin ones, in current
 * browsers); when it is missing we fall back to Sec-Fetch-Site, then to Referer. A request
 * with none of the three did not come from a current browser's page, so it is not a
 * cross-site request forgery and is let through (curl with a copied cookie).
 */
export function originAllowed(
  headers: { origin?: string | undefined; secFetchSite?: string | undefined; referer?: string | undefined; host?: string | undefined },
  allowed: ReadonlySet<string>,
): boolean {
  const trusted = (origin: string) => {
    if (allowed.has(origin)) return true;
    try {
      // The server's own origin as the browser addressed it: the Host header (a browser
      // cannot forge it, and a TLS proxy in front changes the scheme, not the host).
      return headers.host !== undefined && new URL(origin).host === headers.host.toLowerCase();
    } catch {
      return false;
    }
  };
  if (headers.origin !== undefined) return headers.origin !== 'null' && trusted(headers.origin.toLowerCase());
  if (headers.secFetchSite !== undefined) return headers.secFetchSite === 'same-origin' || headers.secFetchSite === 'none';
  if (headers.referer !== undefined) {
    try {
      return trusted(new URL(headers.referer).origin);
    } catch {
      return false;
    }
  }
  return true;
}

/** "https://app.example.com/path" -> "https://app.example.com" (lowercase), or undefined. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const o = new URL(url).origin;
    return o === 'null' ? undefined : o.toLowerCase();
  } catch {
    return undefined;
  }
}
