import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ToReader } from '../../../main/app/table-reader-protocol.js';
import { staleRequests } from '../../../main/app/table-reader-queue.js';

const typed = { table: 't', filter: 'ann' };
const retyped = { table: 't', filter: 'anna' };

describe('the reader thread skips requests a later cancel made stale', () => {
  test('pages and counts of a view cancelled later in the same batch are skipped; the new view and other views are answered', () => {
    const batch: ToReader[] = [
      { id: 1, type: 'page', query: typed, offset: 0, limit: 200 },
      { id: 2, type: 'count', query: { ...typed, filter: ' ann ' } },
      { id: 3, type: 'page', query: { table: 'other' }, offset: 0, limit: 200 },
      { id: 4, type: 'cancel', query: typed, keepFound: false },
      { id: 5, type: 'page', query: retyped, offset: 0, limit: 200 },
      { id: 6, type: 'count', query: retyped },
    ];
    assert.deepEqual([...staleRequests(batch)].sort(), [1, 2]);
  });

  test("a request after the cancel (the user typed the filter back) is answered, and the user's Stop voids nothing", () => {
    assert.deepEqual(
      [
        ...staleRequests([
          { id: 1, type: 'cancel', query: typed, keepFound: false },
          { id: 2, type: 'page', query: typed, offset: 0, limit: 200 },
          { id: 3, type: 'page', query: retyped, offset: 0, limit: 200 },
          { id: 4, type: 'cancel', query: retyped, keepFound: true },
        ]),
      ],
      [],
    );
  });
});
