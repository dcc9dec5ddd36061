/** Where a page of a list sits in the whole: what it shows and where the pages beside it start. */
export interface PageView {
  /** 1-based number of the first item shown; 0 when nothing is shown. */
  readonly from: number;
  /** 1-based number of the last item shown. */
  readonly to: number;
  readonly total: number;
  /** Offset of the previous page, or null on the first. */
  readonly previous: number | null;
  /** Offset of the next page, or null on the last. */
  readonly next: number | null;
}

export function pageView({ offset, limit, shown, total }: { offset: number; limit: number; shown: number; total: number }): PageView {
  return {
    from: shown === 0 ? 0 : offset + 1,
    to: offset + shown,
    total,
    previous: offset > 0 ? Math.max(0, offset - limit) : null,
    next: offset + shown < total && shown > 0 ? offset + shown : null,
  };
}
