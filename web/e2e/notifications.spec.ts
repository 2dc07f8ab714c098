/**
 * Issue 23's notification settings in the browser, once per project (en-light, ru-dark, a 360 px
 * phone), with a new bettor each time: from the profile to Notifications; the address shown; the
 * Telegram switches disabled until a chat is linked; "winning bets by email" switched off; a chat
 * id refused in words, then a good one linked; a reload keeps both. Then a card deposit (through
 * the API and the Stripe simulator) and its notification in the history, sent by email — the
 * platform runs the real notifications service with the SMTP sink and the Telegram stand-in.
 */
import { expect, test } from "./support/fixtures";
import { fill, type Translate } from "./support/i18n";
import { looked } from "./support/journey-pages";
import {
  callAs,
  fundWallet,
  newUser,
  signInApi,
  signInBrowser,
  signUpVerified,
} from "./support/users";

const SLOW = { timeout: 20_000 };
const N = "notifications";

function switchName(t: Translate, kind: string, channel: string): string {
  return fill(t(`${N}:kinds.switch`), {
    kind: t(`${N}:kind.${kind}`),
    channel: t(`${N}:channel.${channel}`),
  });
}

test("a bettor switches a kind off, links Telegram, and sees a deposit's email in the history", async ({
  page,
  t,
}) => {
  test.setTimeout(150_000);
  const user = await signUpVerified(newUser("notif"));
  // The notifications service learns the address from the sign-up message on the bus.
  const { access_token: token } = await signInApi(user);
  await expect
    .poll(
      async () =>
        (await callAs<{ email: string | null }>("/api/notifications/preferences", token)).email,
      SLOW,
    )
    .toBe(user.email);

  // 1. From the profile to the page.
  await signInBrowser(page, user, "/profile");
  await page
    .locator(".page-title")
    .getByRole("link", { name: t(`${N}:link`), exact: true })
    .click();
  await expect(page).toHaveURL(/\/profile\/notifications$/);
  await expect(page.getByRole("heading", { name: t(`${N}:title`), level: 1 })).toBeVisible();
  await expect(page.getByText(user.email, { exact: true })).toBeVisible(SLOW);

  // 2. No chat yet: Telegram's switches are off and disabled, with the hint.
  const wonTelegram = page.getByRole("switch", { name: switchName(t, "bet_won", "telegram") });
  await expect(wonTelegram).toBeDisabled();
  await expect(page.getByText(t(`${N}:kinds.telegramOff`))).toBeVisible();

  // 3. Winning bets by email: off, saved at once.
  const wonEmail = page.getByRole("switch", { name: switchName(t, "bet_won", "email") });
  await expect(wonEmail).toBeChecked();
  await wonEmail.click();
  await expect(wonEmail).not.toBeChecked();
  await expect(page.locator(".notif-toast")).toHaveText(t(`${N}:kinds.saved`), SLOW);

  // 4. A chat id that is not one is refused in words; a good one is linked.
  const chat = String(100_000_000 + Math.floor(Math.random() * 800_000_000));
  const field = page.getByLabel(t(`${N}:telegram.chatId`), { exact: true });
  await field.fill("@my_name");
  await page.getByRole("button", { name: t(`${N}:telegram.link`), exact: true }).click();
  await expect(page.getByText(t(`${N}:telegram.chatIdInvalid`))).toBeVisible();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await field.fill(chat);
  await page.getByRole("button", { name: t(`${N}:telegram.link`), exact: true }).click();
  await expect(page.locator(".notif-toast")).toHaveText(t(`${N}:telegram.linked`), SLOW);
  await expect(wonTelegram).toBeEnabled();
  await looked(page, "notifications");

  // 5. A reload keeps both.
  await page.reload();
  await expect(wonEmail).not.toBeChecked(SLOW);
  await expect(wonTelegram).toBeEnabled();
  await expect(wonTelegram).toBeChecked();
  await expect(page.getByText(chat, { exact: true })).toBeVisible();

  // 6. A deposit: its notification is sent by email (and by Telegram, now linked).
  await fundWallet(user, "25.00");
  const sentByEmail = page
    .locator("table.notif-history tbody tr")
    .filter({ hasText: t(`${N}:kind.deposit`) })
    .filter({ hasText: t(`${N}:channel.email`) })
    .filter({ hasText: t(`${N}:status.sent`) });
  await expect(async () => {
    await page.reload();
    await expect(sentByEmail).toHaveCount(1, { timeout: 3_000 });
  }).toPass({ timeout: 40_000 });
  await expect(
    page
      .locator("table.notif-history tbody tr")
      .filter({ hasText: t(`${N}:kind.deposit`) })
      .filter({ hasText: "Telegram" }),
  ).toHaveCount(1, SLOW);
  await looked(page, "notifications-history");
});
