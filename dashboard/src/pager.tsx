import { useState } from 'preact/hooks';

/** Keyset pages forwards and back: the cursors of the pages seen so far. */
export function usePager(): { after: string | null; next: (cursor: string | null) => void; previous: () => void; reset: () => void; page: number } {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  return {
    after: cursors[cursors.length - 1],
    next: (cursor) => setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
    reset: () => setCursors([null]),
    page: cursors.length,
  };
}

export function Pager({ pager, pageInfo, total, shown, noun }: { pager: ReturnType<typeof usePager>; pageInfo: { hasNextPage: boolean; endCursor: string | null }; total: number; shown: number; noun: string }) {
  return (
    <nav class="pager" aria-label={`Pages of ${noun}`}>
      <button type="button" class="secondary" disabled={pager.page === 1} onClick={pager.previous}>
        Previous page
      </button>
      <span role="status">
        Page {pager.page}: {shown} of {total} {noun}
      </span>
      <button type="button" class="secondary" disabled={!pageInfo.hasNextPage} onClick={() => pager.next(pageInfo.endCursor)}>
        Next page
      </button>
    </nav>
  );
}
