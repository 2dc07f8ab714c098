/**
 * The bets API's answers as this feature reads them (the OpenAPI types them as open objects).
 * Amounts and coefficients are the API's decimal strings; amounts become cents before any sum.
 */
export type BetStatus = "pending" | "open" | "rejected" | "won" | "lost" | "void" | "cancelled";
export type LegResult = "win" | "loss" | "void";

export interface BetLeg {
  event_id: string;
  odds_id: string;
  event_name: string;
  market: string;
  selection: string;
  coefficient: string;
  result: LegResult | null;
}

export interface Bet {
  bet_id: string;
  bet_type: "single" | "coupon";
  status: BetStatus;
  bet_amount: string;
  currency: string;
  coefficient: string;
  potential_win: string;
  reason: string | null;
  result: LegResult | null;
  payout: string | null;
  /** Staked with a free-bet unit (issue 22): a win pays only payout − stake; absent on older APIs. */
  free_bet?: boolean;
  created_at: string;
  decided_at: string | null;
  settled_at: string | null;
  legs: BetLeg[];
}

export interface Pagination {
  total: number;
  limit: number;
  offset: number;
  current_page: number;
  total_pages: number;
}

export interface HistoryAnswer {
  bets: Bet[];
  pagination: Pagination;
}

/** `GET /api/bets/stats`: over the user's bets settled won or lost (ARCHITECTURE §4). */
export interface BetStats {
  total_bets: number;
  wins: number;
  losses: number;
  win_rate: string;
  total_bet: string;
  total_won: string;
  net_profit: string;
  roi_percent: string;
  average_stake: string;
  biggest_win: string;
  biggest_loss: string;
  /** Wins (positive) or losses (negative) in a row, the latest last; absent on older APIs. */
  current_streak?: number;
  longest_win_streak?: number;
  longest_loss_streak?: number;
  /** Free bets among them and what they brought (winnings only); absent on older APIs. */
  free_bets?: number;
  free_bet_winnings?: string;
}
