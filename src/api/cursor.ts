import { z } from 'zod';
import { InvalidRequestError } from '../runs/errors.ts';

/*
 * `GET /queue`'s page cursor: the last row's (created_at, id), opaque to clients. A cursor this API
 * did not hand out is a 400, never a query on whatever it decodes to.
 */

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const parsed = z.tuple([z.iso.datetime(), z.uuid()]).parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: parsed[0], id: parsed[1] };
  } catch {
    throw new InvalidRequestError('invalid_cursor', 'cursor is not one this API returned');
  }
}
