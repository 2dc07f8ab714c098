import { useNavigate } from "react-router";
import type { ConfirmOutcome } from "../api/simulator";

const PENDING = "looseline.wallet.redirectedIntent";

/** Where the simulator's 3-D Secure page (and Stripe's redirects) send the payer back; Stripe
 * adds `payment_intent` (and `redirect_status`) to it. */
export function returnUrl(): string {
  return `${window.location.origin}/wallet/deposit/done`;
}

/** The intent that left for a 3-D Secure page, in case the way back does not name it. */
export function redirectedIntent(): string | null {
  return sessionStorage.getItem(PENDING);
}

/** After a payment the browser confirmed: the done page polls the deposit until credited. */
export function useAfterConfirm(): (intentId: string, outcome: ConfirmOutcome) => void {
  const navigate = useNavigate();
  return (intentId, outcome) => {
    if (outcome.kind === "redirect") {
      sessionStorage.setItem(PENDING, intentId);
      window.location.assign(outcome.url);
    } else {
      void navigate(`/wallet/deposit/done?payment_intent=${encodeURIComponent(intentId)}`);
    }
  };
}
