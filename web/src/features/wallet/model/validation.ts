/**
 * What the wallet's forms refuse before asking the API, as message keys (translated by the
 * components). Pure: unit-tested without React.
 */
import { parseAmount, type Cents } from "@/shared/format/money";
import { luhnValid, parseExpiry } from "./cards";

export interface Issue {
  key: string;
  /** An amount the message names (cents), formatted by the component. */
  cents?: Cents;
}

export interface AmountRules {
  min: Cents;
  max: Cents;
  /** What is left of today's withdrawal limit. */
  remaining?: Cents;
  /** The available balance (a withdrawal cannot exceed it). */
  available?: Cents;
}

export function amountIssue(text: string, rules: AmountRules): Issue | null {
  const cents = parseAmount(text);
  if (cents === null || cents === 0) return { key: "validation.amount" };
  if (cents < rules.min) return { key: "validation.min", cents: rules.min };
  if (cents > rules.max) return { key: "validation.max", cents: rules.max };
  if (rules.remaining !== undefined && cents > rules.remaining) {
    return { key: "validation.dailyRemaining", cents: rules.remaining };
  }
  if (rules.available !== undefined && cents > rules.available) {
    return { key: "validation.overBalance", cents: rules.available };
  }
  return null;
}

export function cardNumberIssue(text: string): Issue | null {
  return luhnValid(text) ? null : { key: "validation.card" };
}

export function expiryIssue(text: string, now: Date = new Date()): Issue | null {
  return parseExpiry(text, now) ? null : { key: "validation.expiry" };
}

export function cvcIssue(text: string): Issue | null {
  return /^\d{3,4}$/.test(text.trim()) ? null : { key: "validation.cvc" };
}

/** IBAN: country letters, check digits, then 11–30 letters or digits (the bank checks more). */
export function ibanIssue(text: string): Issue | null {
  const compact = text.replace(/\s/g, "").toUpperCase();
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact) ? null : { key: "validation.iban" };
}
