/**
 * Issue 23's partner pages in the browser, once per project: the admin creates a partner with a
 * generated secret and no URL; a test postback for its registration is refused in words (no
 * template); with a template that points at a closed port (http://127.0.0.1:9/x) the test is
 * sent and not delivered, the error shown; the partners list shows its figures. The admin's
 * notifications page is drawn on the way (figures of the last 24 hours, the deliveries).
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "./support/fixtures";
import { adminUser } from "./support/journey-admin";
import { looked } from "./support/journey-pages";
import { signInBrowser } from "./support/users";

const SLOW = { timeout: 20_000 };
const exact = { exact: true };

test("the admin creates a partner, sends test postbacks and reads the figures", async ({
  t,
  openAdmin,
}) => {
  test.setTimeout(120_000);
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const admin = await openAdmin();
  const page = admin.page;

  // 1. The notifications page: the figures and the deliveries (at least the run's sign-ups).
  await signInBrowser(page, adminUser(), "/admin/notifications");
  await expect(
    page.getByRole("heading", { name: t("admin:notifications.title"), level: 1 }),
  ).toBeVisible(SLOW);
  await expect(page.getByRole("region", { name: t("admin:notifications.figures") })).toContainText(
    t("admin:notifications.total"),
    SLOW,
  );
  await looked(page, "admin-notifications");

  // 2. A new partner: an id, a name, a generated secret (48 characters), no URL.
  await page
    .getByRole("navigation", { name: t("admin:nav.label") })
    .getByRole("link", { name: t("admin:nav.partners"), exact: true })
    .click();
  await expect(
    page.getByRole("heading", { name: t("admin:partners.title"), level: 1 }),
  ).toBeVisible(SLOW);
  const form = page.getByRole("form", { name: t("admin:partners.new") });
  await form.getByLabel(t("admin:partners.partnerId"), exact).fill(id);
  await form.getByLabel(t("admin:fields.name"), exact).fill(`E2E ${id}`);
  await form.getByRole("button", { name: t("admin:partners.generate"), exact: true }).click();
  await expect(form.getByLabel(t("admin:partners.secret"), exact)).toHaveValue(/^[A-Za-z0-9]{48}$/);
  await form.getByRole("button", { name: t("admin:partners.create"), exact: true }).click();
  const row = page.locator("table.admin-table tr").filter({ hasText: id });
  await expect(row.first()).toBeVisible(SLOW);

  // 3. Its page: a test postback without a template is refused in words.
  await page.getByRole("link", { name: t("admin:partners.open"), exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/partners/${id}$`));
  const test_ = page.locator("section.card").filter({
    has: page.getByRole("heading", { name: t("admin:partners.test"), exact: true }),
  });
  await test_.getByLabel(t("admin:partners.event"), exact).selectOption("registration");
  await test_.getByRole("button", { name: t("admin:partners.sendTest"), exact: true }).click();
  await expect(test_.getByRole("alert")).toHaveText(t("errors:partners.no_template"), SLOW);

  // 4. A registration URL at a closed port: sent, not delivered, the error shown.
  const edit = page.getByRole("form", { name: t("admin:partners.edit") });
  await edit
    .getByLabel(t("admin:partners.events.registration"), exact)
    .fill("http://127.0.0.1:9/x?sub={click_id}&goal={event}");
  await edit.getByRole("button", { name: t("actions.save"), exact: true }).click();
  await expect(edit.getByRole("status")).toHaveText(t("admin:partners.saved"), SLOW);
  await test_.getByRole("button", { name: t("admin:partners.sendTest"), exact: true }).click();
  const result = test_.locator(".admin-test-result");
  await expect(result).toContainText(t("admin:partners.notDelivered"), SLOW);
  await expect(result.locator("dt", { hasText: t("admin:partners.error") })).toBeVisible();
  await expect(result).toContainText(t("admin:partners.noAnswer"));
  await expect(result).toContainText("http://127.0.0.1:9/x?sub=test-click");
  await looked(page, "admin-partner");

  // 5. The list's figures: the new partner with nothing yet.
  await page.getByRole("link", { name: t("admin:partners.back") }).click();
  const stats = page.locator("section.card").filter({
    has: page.getByRole("heading", { name: t("admin:partners.stats"), exact: true }),
  });
  const figures = stats.locator("tr").filter({ hasText: id });
  await expect(figures).toHaveCount(1, SLOW);
  await expect(figures).toContainText(
    t("admin:partners.inboundCounts").replace("{{accepted}}", "0").replace("{{rejected}}", "0"),
  );
  await looked(page, "admin-partners");
  await admin.context.close();
  expect(admin.problems, "uncaught errors and CSP violations in the admin's page").toEqual([]);
});
