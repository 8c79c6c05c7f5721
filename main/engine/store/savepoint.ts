import type Database from 'better-sqlite3';

/**
 * A named SAVEPOINT inside the open transaction, its statements prepared once: work that is kept whole or undone
 * whole without giving up the rest of the transaction.
 */
export class Savepoint {
  private readonly begin: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    name: string,
  ) {
    this.begin = db.prepare(`SAVEPOINT ${name}`);
    this.release = db.prepare(`RELEASE ${name}`);
    this.rollbackTo = db.prepare(`ROLLBACK TO ${name}`);
  }

  /**
   * Runs `work` in the savepoint and keeps what it did unless it throws or `keep(result)` says no. An I/O or
   * disk-full error may have ended the transaction (and the savepoint) already: then the original error is what
   * comes out, not one from undoing.
   */
  run<T>(work: () => T, keep: (result: T) => boolean = () => true): { result: T; kept: boolean } {
    this.begin.run();
    let kept = false;
    try {
      const result = work();
      kept = keep(result);
      return { result, kept };
    } finally {
      if (this.db.inTransaction) {
        if (!kept) this.rollbackTo.run();
        this.release.run();
      }
    }
  }
}
