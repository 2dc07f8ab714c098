/** Query keys of the admin area: everything under "admin", so a sign-out clears it in one go. */
export const adminKeys = {
  all: ["admin"] as const,
  betsStats: (range: { from?: string; to?: string }) => ["admin", "stats", "bets", range] as const,
  walletStats: ["admin", "stats", "wallet"] as const,
  liabilities: ["admin", "stats", "bets", "liabilities"] as const,
  sports: ["admin", "sports"] as const,
  leagues: (sport: string) => ["admin", "leagues", sport] as const,
  events: (filters: object) => ["admin", "events", filters] as const,
  event: (id: string) => ["admin", "event", id] as const,
  withdrawals: (status: string) => ["admin", "withdrawals", status] as const,
  methods: (status: string) => ["admin", "methods", status] as const,
  users: (filters: object) => ["admin", "users", filters] as const,
  user: (id: string) => ["admin", "user", id] as const,
  userAudit: (id: string) => ["admin", "user", id, "audit"] as const,
  userWallet: (id: string) => ["admin", "user", id, "wallet"] as const,
  userHistory: (id: string) => ["admin", "user", id, "history"] as const,
  userHolds: (id: string) => ["admin", "user", id, "holds"] as const,
};
