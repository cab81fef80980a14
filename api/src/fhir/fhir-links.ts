/**
 * Where the facade's absolute URLs point: the FHIR base (`…/fhir/R4`, for fullUrl and Bundle
 * links) and the REST API (`…/api/v1`, for a document's content).
 */
export interface FhirLinks {
  fhirBase: string;
  apiBase: string;
}

export function fhirLinksOf(publicUrl: string): FhirLinks {
  const origin = publicUrl.replace(/\/+$/, '');
  return { fhirBase: `${origin}/fhir/R4`, apiBase: `${origin}/api/v1` };
}
