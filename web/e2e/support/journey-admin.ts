/**
 * The journey's set-up that the issue does not ask the browser for, through the API as an admin
 * (tests/e2e/test_new_bettor_journey.py does the same): a sport, a league and events with known
 * prices; a price moved while a selection sits in a bettor's slip; a user's id.
 */
import { randomUUID } from "node:crypto";
import { api, platform } from "./platform";
import { signInApi, type User } from "./users";

export interface Odd {
  odds_id: string;
  bet_type: string;
  coefficient: string | number;
}

export interface CreatedEvent {
  event_id: string;
  home_team: string;
  away_team: string;
  odds: Odd[];
}

export interface Catalogue {
  token: string;
  sport: { slug: string; name: string };
  league: { name: string };
  events: CreatedEvent[];
}

async function call<T>(
  method: string,
  path: string,
  token: string | null,
  body: unknown,
  status: number,
): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const answer = await fetch(api(path), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  if (answer.status !== status) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export function adminUser(): User {
  const { admin_email, admin_password } = platform();
  return { email: admin_email, password: admin_password, name: "Admin" };
}

export async function adminToken(): Promise<string> {
  return (await signInApi(adminUser())).access_token;
}

/**
 * The account's display preferences (PUT /api/auth/user): the app applies the account's copy
 * over the device's after sign-in, so the admin — one account for every project of a run —
 * gets the project's language and theme before the browser signs in.
 */
export async function setAccountPreferences(
  token: string,
  preferences: { language: string; theme: string },
): Promise<void> {
  await call(
    "PUT",
    "/api/auth/user",
    token,
    { preferences: { ...preferences, odds_format: "decimal" } },
    200,
  );
}

/** The id of a user (their own session answer). */
export async function userIdOf(user: User): Promise<string> {
  const { access_token } = await signInApi(user);
  const session = await call<{ user: { id: string } }>(
    "GET",
    "/api/auth/session",
    access_token,
    undefined,
    200,
  );
  return String(session.user.id);
}

/** The prices of each event: [home, away, [1, X, 2]]. */
export type EventPrices = [string, string, [number, number, number]];

/** A sport, a league and one event per entry of `prices`, two days ahead, an hour apart. */
export async function createCatalogue(token: string, prices: EventPrices[]): Promise<Catalogue> {
  const tag = randomUUID().slice(0, 6);
  const sport = await call<{ sport: { slug: string; name: string } }>(
    "POST",
    "/api/events/sports",
    token,
    { name: `E2E Ball ${tag}` },
    201,
  );
  const league = await call<{ league: { name: string } }>(
    "POST",
    "/api/events/leagues",
    token,
    { sport: sport.sport.slug, name: `E2E League ${tag}` },
    201,
  );
  const starts = Date.now() + 2 * 24 * 3600 * 1000;
  const events: CreatedEvent[] = [];
  for (const [index, [home, away, odds]] of prices.entries()) {
    const created = await call<{ event: CreatedEvent }>(
      "POST",
      "/api/events/",
      token,
      {
        sport: sport.sport.slug,
        league: league.league.name,
        home_team: `${home} ${tag}`,
        away_team: `${away} ${tag}`,
        event_datetime: new Date(starts + index * 3600 * 1000).toISOString(),
        odds: (["1", "X", "2"] as const).map((bet_type, i) => ({
          bet_type,
          coefficient: odds[i],
        })),
      },
      201,
    );
    events.push({ ...created.event, event_id: String(created.event.event_id) });
  }
  return { token: tag, sport: sport.sport, league: league.league, events };
}

export function oddOf(event: CreatedEvent, betType: string): Odd {
  const found = event.odds.find((odd) => odd.bet_type === betType);
  if (!found) throw new Error(`event ${event.event_id} has no ${betType}`);
  return found;
}

/** The admin moves a price (PUT /api/events/{id}/odds/{odds_id}). */
export async function setPrice(
  token: string,
  event: CreatedEvent,
  betType: string,
  coefficient: string,
): Promise<void> {
  const odd = oddOf(event, betType);
  await call(
    "PUT",
    `/api/events/${event.event_id}/odds/${odd.odds_id}`,
    token,
    { coefficient },
    200,
  );
}
