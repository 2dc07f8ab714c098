/**
 * Issue 23's reality check drawn in the browser, once per project: the e2e platform runs the
 * gateway with GATEWAY_REALITY_CHECK_UNIT_S=1, so "every 10 minutes" is every 10 seconds. A new
 * bettor (wallet 50.00) whose account asks for a check every 10 minutes opens the app; the live
 * stream asks the gateway for them; a 5.00 single is placed (through the API, while the stream
 * is open, so the session counts it); the dialog shows the session's figures — staked 5.00 —
 * Continue closes it and focus leaves the dialog.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "./support/fixtures";
import { fill, lead } from "./support/i18n";
import { adminToken, createCatalogue, oddOf } from "./support/journey-admin";
import { literal, looked } from "./support/journey-pages";
import { callAs, fundedUser, signInApi, signInBrowser } from "./support/users";

const RG = "responsible-gambling";

test("a bettor with a 10-minute reality check sees the session's figures after a bet; Continue closes it", async ({
  page,
  t,
  cash,
  preferences,
}) => {
  test.setTimeout(120_000);
  const catalogue = await createCatalogue(await adminToken(), [
    ["Reality", "Check", [2.0, 3.2, 3.6]],
  ]);
  const event = catalogue.events[0];
  if (!event) throw new Error("no event");
  const user = await fundedUser("reality", "50.00");
  const { access_token: token } = await signInApi(user);
  // The account's preference, which the app applies after sign-in.
  await callAs("/api/auth/user", token, {
    method: "PUT",
    body: JSON.stringify({
      preferences: { ...preferences, odds_format: "decimal", reality_check_minutes: 10 },
    }),
  });

  // 1. The app opens the private stream asking for a check every 10 (shrunk) minutes.
  const stream = page.waitForResponse(
    (answer) =>
      answer.url().includes("/api/stream?") && answer.url().includes("reality_check_minutes=10"),
    { timeout: 20_000 },
  );
  await signInBrowser(page, user, "/bets");
  expect((await stream).status()).toBe(200);

  // 2. A 5.00 single at 2.00 while the session runs.
  const home = oddOf(event, "1");
  await callAs("/api/bets/place", token, {
    method: "POST",
    headers: { "Idempotency-Key": randomUUID() },
    body: JSON.stringify({
      event_id: event.event_id,
      odds_id: home.odds_id,
      bet_amount: "5.00",
      expected_coefficient: "2.00",
    }),
  });

  // 3. The dialog (a newer check replaces one still open) with the stake of the session.
  const dialog = page.getByRole("dialog", { name: t(`${RG}:realityCheck.dialog.title`) });
  const staked = lead(t(`${RG}:realityCheck.dialog.money`)) + cash(5_00);
  await expect(dialog).toContainText(new RegExp(literal(staked)), { timeout: 40_000 });
  await expect(dialog).toContainText(
    fill(t(`${RG}:realityCheck.dialog.bets`), { placed: 1, settled: 0 }),
  );
  await expect(dialog).toContainText(lead(t(`${RG}:realityCheck.dialog.played`)));
  const continueButton = dialog.getByRole("button", {
    name: t(`${RG}:realityCheck.dialog.continue`),
    exact: true,
  });
  await expect(continueButton).toBeFocused();
  await looked(page, "reality-check");

  // 4. Continue closes it (the next check comes 10 seconds later).
  await continueButton.click();
  await expect(dialog).toHaveCount(0);
});
