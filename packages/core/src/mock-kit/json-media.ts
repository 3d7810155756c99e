/** Whether a media type carries JSON (`application/json`, `application/problem+json`...). */
export function isJsonMedia(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}
