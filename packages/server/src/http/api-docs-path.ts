/** Where the readable API reference is served (from the installed package, no CDN); its routes are public like the OpenAPI document. */
export const API_DOCS_PATH = '/api/docs';

export function isApiDocsRoute(url: string): boolean {
  return url === API_DOCS_PATH || url.startsWith(`${API_DOCS_PATH}/`);
}
