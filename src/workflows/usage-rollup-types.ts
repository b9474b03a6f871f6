/** What one scheduled roll-up of the usage ledger did; shapes that cross the workflow boundary. */
export interface UsageRollupOutcome {
  /** False when another roll-up was running: it does the work. */
  ran: boolean;
  /** Ledger ids rolled up (rows, plus the gaps of rows never inserted). */
  ids: number;
  /** Hours recomputed from the ledger after their rows changed. */
  hours: number;
  /** Whether nothing was left to roll up when it stopped. */
  caughtUp: boolean;
}

export interface UsageRollupInput {
  /** How long one run may keep working through a backlog; the next run carries on. */
  maxMs: number;
}
