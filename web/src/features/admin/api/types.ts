/**
 * What the admin pages read from answers the OpenAPI types only as `{[key: string]: unknown}`
 * (bets' and wallet's admin routes): the fields we use, as docs/bets.md and docs/wallet.md state
 * them. Amounts are two-decimal strings.
 */
import type { components } from "@/shared/api/schema";

export type AdminEvent = components["schemas"]["EventDetailView"];
export type AdminMarket = components["schemas"]["MarketView"];
export type AdminOdds = components["schemas"]["OddsView"];
export type AdminUser = components["schemas"]["AdminUserOut"];
export type AdminUserDetails = components["schemas"]["AdminUserDetailsOut"];
export type UserAuditEvent = components["schemas"]["AuditEventOut"];

export interface SelectionLiability {
  event_id: string;
  odds_id: string;
  event_name: string;
  market: string;
  selection: string;
  open_bets: number;
  stakes: string;
  worst_case_payout: string;
}

export interface EventLiability {
  event_id: string;
  event_name: string;
  open_bets: number;
  stakes: string;
  worst_case_payout: string;
}

export interface BetsAdminStats {
  volume: {
    bets: number;
    stakes: string;
    singles: number;
    coupons: number;
    by_status: Record<string, { bets: number; stakes: string }>;
  };
  settled: {
    bets: number;
    stakes: string;
    payouts: string;
    payout_rate_percent: string;
    house_margin: string;
  };
  open_liabilities: {
    bets: number;
    stakes: string;
    worst_case_payout: string;
    by_event: EventLiability[];
    by_selection: SelectionLiability[];
  };
}

export interface WalletAdminStats {
  currency: string;
  wallets: {
    total: number;
    blocked: number;
    new_last_7_days: number;
    active_last_30_days: number;
    in_debt_count: number;
  };
  balances: {
    users_available: string;
    users_locked_in_bets: string;
    house: string;
    clearing: string;
    withdrawals_payable: string;
  };
  deposits: { count: number; total: string };
  withdrawals: {
    pending_count: number;
    pending_total: string;
    completed_count: number;
    completed_total: string;
    rejected_count: number;
    cancelled_count: number;
  };
}

export type WithdrawalStatus = "pending" | "completed" | "rejected" | "cancelled";

export interface AdminWithdrawal {
  operation_id: string;
  user_id: string;
  amount: string;
  currency: string;
  withdrawal_method_id: string;
  status: WithdrawalStatus;
  reason: string | null;
  rejection_reason: string | null;
  created_at: string;
  decided_at: string | null;
  flags: string[] | null;
  approvals: { admin_id: string; approved_at: string }[] | null;
  approvals_required: number | null;
}

export interface AdminWithdrawalMethod {
  method_id: string;
  user_id: string;
  withdrawal_type: string;
  destination: string;
  account_holder_name: string | null;
  bank_name: string | null;
  network: string | null;
  swift_code: string | null;
  country: string | null;
  is_verified: boolean;
  created_at: string;
  verified_at: string | null;
}

export interface Pagination {
  limit: number;
  offset: number;
  total_items: number;
}

export interface UserWallet {
  user_id: string;
  balance: {
    currency: string;
    status: string;
    current_balance: string;
    available_balance: string;
    locked_in_bets: string;
    pending_withdrawals: string;
    total_deposited: string;
    total_withdrawn: string;
    net_profit: string;
  };
  debt: string | null;
  flags: {
    blocked: boolean;
    blocked_reason: string | null;
    account_flagged: boolean;
    in_debt: boolean;
    open_disputes: number;
    suspicious_activity_count: number;
  };
}

export interface WalletTransaction {
  transaction_id: number | string;
  type: string;
  amount: string;
  balance_after: string | null;
  status: string;
  description: string | null;
  created_at: string;
}

export interface WalletHold {
  hold_id: string;
  bet_id: string;
  amount: string;
  currency: string;
  status: string;
  max_payout: string | null;
  paid: string;
  created_at: string;
}
