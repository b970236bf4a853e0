export { contactsRoutes } from './contacts.routes.ts';
export { E164, normalizePhone } from './phone.ts';
export { contactSummaries, getContact, listContacts, taggedContactIds } from './contacts.service.ts';
export { EXPORT_COLUMNS as CONTACT_EXPORT_COLUMNS, IMPORT_FIELDS as CONTACT_IMPORT_FIELDS, importContactsInBatches, type ImportResult as ContactImportResult } from './contacts.csv.ts';
export { ContactSummary } from './contacts.schema.ts';
export { contactExists, contactPhone, existingPhones, fillContactName, findContactIdByPhone, insertContact, findOrCreateContactByPhone, findOrCreateLead, syncLead, touchContact, type LeadSync } from './contacts.repo.ts';
export { contactsRowsPage, CONTACTS_ROWS_TABLES, type ContactsRowsTable } from './rows.repo.ts';
