/** Times as the user reads them (their locale and zone), with the ISO value kept for machines. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A long identifier shortened for display; the whole value stays in the title and for copying. */
export function shortId(id: string, keep = 10): string {
  return id.length > keep * 2 ? `${id.slice(0, keep)}…${id.slice(-4)}` : id;
}

/** `hospital-b` as people say it: "Hospital B". */
export function hospitalName(hospital: string): string {
  return hospital
    .split('-')
    .map((word) => (word.length === 1 ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');
}
