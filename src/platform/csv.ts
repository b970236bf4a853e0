import { stringify } from 'csv-stringify/sync';

/**
 * One value as a spreadsheet cell: lists joined with `;`, instants in ISO 8601, other objects
 * as JSON, nothing as an empty cell. A text starting with = + - @ (or a tab or carriage return)
 * would be read as a formula by a spreadsheet, so it gets a leading apostrophe (OWASP's "CSV
 * injection"); numbers such as -5 or +62812… stay as they are.
 */
export function csvCell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (value instanceof Date) text = value.toISOString();
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) text = value.join(';');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d/.test(text) ? `'${text}` : text;
}

/** CSV text (RFC 4180, through csv-stringify) of rows already made of cells. */
export const csvLines = (rows: readonly (readonly string[])[]): string => stringify(rows as string[][]);

/** The cells of `row` in the order of `columns`. */
export const csvRow = (columns: readonly string[], row: Record<string, unknown>): string[] => columns.map((c) => csvCell(row[c]));

/** One JSON Lines line: instants as ISO 8601 (JSON.stringify's own rule), no formula guard. */
export const jsonLine = (row: Record<string, unknown>): string => `${JSON.stringify(row)}\n`;
