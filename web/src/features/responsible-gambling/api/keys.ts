/**
 * Query keys. The restriction sits under ["auth"]; the deposit limits under ["wallet"] (a
 * deposit, which the wallet's own mutations follow by invalidating ["wallet"], changes what they
 * used) and the loss limits under ["bets"] (placing a bet changes the loss so far).
 */
export const rgKeys = {
  restriction: ["auth", "responsible-gambling"] as const,
  depositLimits: ["wallet", "limits"] as const,
  lossLimits: ["bets", "limits"] as const,
};
