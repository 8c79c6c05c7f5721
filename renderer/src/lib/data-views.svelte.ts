import type { ColumnFilter } from '../../../main/app/contract.js';

/** One table's view on the Data screen: kept while the app runs, so leaving the screen loses nothing. */
export interface TableView {
  sort: { column: string; descending: boolean } | null;
  filter: string;
  columnFilters: ColumnFilter[];
  scrollTop: number;
}

class DataViews {
  /** The table shown last. */
  table = $state<string | null>(null);
  /** Set by the Data screen's "Export this view…": the Export screen opens on this table's view, then clears it. */
  exportRequested = $state<string | null>(null);
  private readonly views = new Map<string, TableView>();

  view(table: string): TableView {
    let view = this.views.get(table);
    if (!view) {
      // A reactive proxy kept here: the screen edits this very object, so the edits outlive the screen.
      const created = $state<TableView>({ sort: null, filter: '', columnFilters: [], scrollTop: 0 });
      view = created;
      this.views.set(table, view);
    }
    return view;
  }
}

export const dataViews = new DataViews();

export function describeFilter(filter: ColumnFilter): string {
  switch (filter.op) {
    case 'contains':
      return `${filter.column} contains “${filter.value}”`;
    case 'equals':
      return `${filter.column} = “${filter.value}”`;
    case 'range':
      return [filter.min ? `${filter.column} ≥ ${filter.min}` : '', filter.max ? `${filter.column} ≤ ${filter.max}` : ''].filter(Boolean).join(' and ') || `${filter.column}: any`;
    case 'null':
      return `${filter.column} is empty (NULL)`;
    case 'not-null':
      return `${filter.column} has a value`;
  }
}
