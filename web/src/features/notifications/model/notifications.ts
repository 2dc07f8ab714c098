/** The notification settings' pure rules: the six kinds, the two channels, a chat id's shape. */

export const KINDS = [
  "deposit",
  "withdrawal",
  "bet_won",
  "subscription",
  "package",
  "responsible_gambling",
] as const;
export type Kind = (typeof KINDS)[number];

export const CHANNELS = ["email", "telegram"] as const;
export type Channel = (typeof CHANNELS)[number];

export type DeliveryStatus = "pending" | "sent" | "failed";

export interface KindPreference {
  kind: Kind;
  email: boolean;
  telegram: boolean;
}

export interface NotificationPreferences {
  email: string | null;
  language: string;
  telegram_chat_id: string | null;
  kinds: KindPreference[];
}

export interface HistoryItem {
  id: string;
  kind: Kind;
  channel: Channel;
  subject: string;
  status: DeliveryStatus;
  created_at: string;
  sent_at: string | null;
}

export interface HistoryPage {
  items: HistoryItem[];
  next_cursor: string | null;
}

/** The preferences with one kind's channel switched (the optimistic copy; nothing else moves). */
export function switched(
  preferences: NotificationPreferences,
  kind: Kind,
  channel: Channel,
  on: boolean,
): NotificationPreferences {
  return {
    ...preferences,
    kinds: preferences.kinds.map((row) => (row.kind === kind ? { ...row, [channel]: on } : row)),
  };
}

/** Every kind in the fixed order, a missing one as the API's default (both on). */
export function rowsOf(preferences: NotificationPreferences): KindPreference[] {
  return KINDS.map(
    (kind) =>
      preferences.kinds.find((row) => row.kind === kind) ?? { kind, email: true, telegram: true },
  );
}

export type ChatIdProblem = "required" | "chatIdInvalid";

/** A Telegram chat id as the API takes it: digits, a leading "-" for a group, ≤ 32 characters. */
export function chatIdProblem(text: string): ChatIdProblem | null {
  const value = text.trim();
  if (!value) return "required";
  if (value.length > 32 || !/^-?[0-9]{1,31}$/.test(value)) return "chatIdInvalid";
  return null;
}
