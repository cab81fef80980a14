/**
 * Where the facade's absolute URLs point: the FHIR base (`…/fhir/R4`, for fullUrl and Bundle
 * links) and the REST API (`…/api/v1`, for a document's content). A class only to be the
 * injection token of the one instance FhirModule makes from API_PUBLIC_URL.
 */
export abstract class FhirLinks {
  abstract readonly fhirBase: string;
  abstract readonly apiBase: string;
}

export function fhirLinksOf(publicUrl: string): FhirLinks {
  const origin = publicUrl.replace(/\/+$/, '');
  return { fhirBase: `${origin}/fhir/R4`, apiBase: `${origin}/api/v1` };
}
