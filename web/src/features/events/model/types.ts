import type { components } from "@/shared/api/schema";
import type { SlipSelection } from "@/features/betslip";

type Schemas = components["schemas"];

/** A price arrives as a JSON number from the API and as decimal text from the stream. */
export type Odd = Omit<Schemas["OddsView"], "coefficient"> & { coefficient: number | string };
export type Market = Omit<Schemas["MarketView"], "odds"> & { odds: Odd[] };
export type SportEvent = Omit<Schemas["EventView"], "odds"> & { odds: Odd[] };
export type EventDetail = Omit<Schemas["EventDetailView"], "odds" | "markets"> & {
  odds: Odd[];
  markets: Market[];
};
export type EventPage = Omit<Schemas["EventPage"], "events"> & { events: SportEvent[] };
export type Sport = Schemas["SportView"];
export type League = Schemas["LeagueView"];
export type OddsHistoryEntry = Schemas["OddsHistoryEntry"];
export type { SlipSelection };
