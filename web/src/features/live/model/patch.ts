/**
 * Stream messages applied to cached API answers without refetching. The events answers (a list
 * page, an infinite list's pages, one event with its markets) all hold plain objects keyed by
 * `odds_id`, `market_id` and `event_id`, so one structural walk patches every shape: objects
 * that are not touched keep their identity (React re-renders only what changed).
 */
type Json = unknown;
type Patch = (node: Record<string, unknown>) => Record<string, unknown> | null;

export function patchTree(data: Json, patch: Patch): Json {
  if (Array.isArray(data)) {
    let changed = false;
    const next = data.map((item) => {
      const patched = patchTree(item, patch);
      if (patched !== item) changed = true;
      return patched;
    });
    return changed ? next : data;
  }
  if (!data || typeof data !== "object") return data;
  const node = data as Record<string, unknown>;
  let out: Record<string, unknown> = node;
  const own = patch(node);
  if (own) out = { ...node, ...own };
  for (const [key, value] of Object.entries(node)) {
    if (!value || typeof value !== "object") continue;
    const patched = patchTree(value, patch);
    if (patched !== value) {
      if (out === node) out = { ...node };
      out[key] = patched;
    }
  }
  return out;
}

export interface OddsChangedData {
  event_id: string;
  market_id: string;
  odds_id: string;
  new_coefficient: string;
  odds_version: number;
}

export interface ScoreUpdatedData {
  event_id: string;
  home_score: number;
  away_score: number;
  minute?: number | null;
  period?: string | null;
}

export interface EventStatusChangedData {
  event_id: string;
  status: string;
  home_score?: number | null;
  away_score?: number | null;
}

export interface MarketChangedData {
  event_id: string;
  market_id: string;
  status: string;
  live_betting?: boolean;
}

/** A selection's new price; an older version (a late message) changes nothing. */
export function oddsPatch(message: OddsChangedData): Patch {
  return (node) => {
    if (node.odds_id !== message.odds_id || !("coefficient" in node)) return null;
    if (typeof node.version === "number" && node.version >= message.odds_version) return null;
    return { coefficient: message.new_coefficient, version: message.odds_version };
  };
}

export function scorePatch(message: ScoreUpdatedData): Patch {
  return (node) => {
    if (node.event_id !== message.event_id || !("home_score" in node)) return null;
    return {
      home_score: message.home_score,
      away_score: message.away_score,
      minute: message.minute ?? node.minute ?? null,
      period: message.period ?? node.period ?? null,
    };
  };
}

export function statusPatch(message: EventStatusChangedData): Patch {
  return (node) => {
    if (node.event_id !== message.event_id || !("home_score" in node)) return null;
    const scores =
      message.home_score != null && message.away_score != null
        ? { home_score: message.home_score, away_score: message.away_score }
        : {};
    return { status: message.status, ...scores };
  };
}

/** A market's status on the market itself and on each of its selections' rows. */
export function marketPatch(message: MarketChangedData): Patch {
  return (node) => {
    if (node.market_id !== message.market_id) return null;
    const live = message.live_betting ?? false;
    if ("market_status" in node)
      return { market_status: message.status, market_live_betting: live };
    if ("odds" in node) return { status: message.status, live_betting: live };
    return null;
  };
}
