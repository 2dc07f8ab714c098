/**
 * What the wallet's answers carry (typed `{[key: string]: unknown}` in the OpenAPI): only the
 * fields this feature reads. Amounts are the API's two-decimal strings.
 */
export interface Balance {
  currency: string;
  current_balance: string;
  available_balance: string;
  locked_in_bets: string;
  pending_withdrawals: string;
  pending_deposits: string;
  debt: string;
}

export interface Transaction {
  transaction_id: number | string;
  type: string;
  amount: string;
  balance_after: string | null;
  status: string;
  description: string | null;
  created_at: string;
}

export interface HistoryAnswer {
  transactions: Transaction[];
  pagination: { limit: number; offset: number; transactions: { total_items: number } };
}

export interface SavedCard {
  method_id: string;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  is_default: boolean;
}

export interface WithdrawalMethod {
  method_id: string;
  withdrawal_type: string;
  destination: string;
  account_holder_name: string | null;
  bank_name: string | null;
  is_verified: boolean;
  verification_status: "pending" | "verified";
  is_default: boolean;
}

export interface Withdrawal {
  operation_id: string;
  amount: string;
  currency: string;
  withdrawal_method_id: string;
  status: "pending" | "completed" | "rejected" | "cancelled";
  rejection_reason: string | null;
  created_at: string;
}

export interface Statement {
  year: number;
  month: number;
  currency: string;
  opening_balance: string;
  closing_balance: string;
  total_deposits: string;
  total_withdrawals: string;
  total_stakes: string;
  total_winnings: string;
  total_refunds: string;
  adjustments: string;
  net_profit: string;
  bets_placed: number;
  transaction_count: number;
}

/** POST /deposit with a new card: the PaymentIntent to confirm in the browser. */
export interface PaymentForm {
  action: "requires_payment_form";
  client_secret: string;
  intent_id: string;
  operation_id: string;
  publishable_key: string;
  /** Where the simulator's card form calls; null for real Stripe (model/cards.ts). */
  stripe_api_base: string | null;
}

/** POST /deposit with a saved card: credited, 3-D Secure needed, or still processing. */
export type SavedCardAnswer =
  | { success: true; new_balance: string; intent_id: string; action?: undefined }
  | {
      success: false;
      action: "requires_action";
      client_secret: string;
      intent_id: string;
      payment_method: string | null;
      publishable_key: string;
      stripe_api_base: string | null;
    }
  | { success: true; action: "processing"; deposit: Deposit };

export interface CheckoutAnswer {
  confirmation_url: string;
  session_id: string;
}

export interface Deposit {
  intent_id: string | null;
  status: "pending" | "succeeded" | "failed" | "canceled" | "expired";
  stripe_status: string | null;
  decline_code: string | null;
  amount: string;
  credited_amount: string | null;
}

export interface DepositAnswer {
  deposit: Deposit;
  available_balance: string;
}
