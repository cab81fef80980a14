/**
 * The vocabulary of records, in one place: the types a record may have (the ledger's
 * REPORT_TYPES say the same) and the content types the API accepts. DTOs, the upload
 * service and the docs read them here.
 */
export const REPORT_TYPES = ['report', 'prescription', 'bill', 'lab', 'imaging', 'note'] as const;

/** Content types a report may have: documents, images, DICOM, text, JSON and FHIR JSON. */
export const ALLOWED_CONTENT_TYPES = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/dicom',
  'text/plain',
  'application/json',
  'application/fhir+json',
]);
