/** A position in a list ordered by a time, then an id: the last row of a page. */
export interface KeysetCursor {
  at: Date;
  id: string;
}

/** The opaque text a client passes back for the next page. */
export function encodeKeysetCursor(at: Date | string, id: string): string {
  return Buffer.from(`${new Date(at).toISOString()}|${id}`).toString("base64url");
}

/** The position a cursor names, or null for one this code did not make. */
export function decodeKeysetCursor(cursor: string): KeysetCursor | null {
  const [text, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const at = new Date(text ?? "");
  return id && !Number.isNaN(at.getTime()) ? { at, id } : null;
}
