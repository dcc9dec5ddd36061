/** Client-made uuids are stored in lower case, so `ABC…` and `abc…` name the same order or payment. */
export function lower(uuid: string): string {
  return uuid.toLowerCase();
}
