import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import { answer, renderPage, serve, signIn } from "../test/harness";
import { session } from "@/shared/session/session";
import type { NotificationPreferences } from "../model/notifications";
import { NotificationsPage } from "./NotificationsPage";

afterEach(() => {
  vi.unstubAllGlobals();
  session.signedOut();
});

function prefs(chat: string | null = null): NotificationPreferences {
  return {
    email: "ann@example.com",
    language: "en",
    telegram_chat_id: chat,
    kinds: [
      "deposit",
      "withdrawal",
      "bet_won",
      "subscription",
      "package",
      "responsible_gambling",
    ].map((kind) => ({
      kind,
      email: true,
      telegram: chat !== null,
    })) as NotificationPreferences["kinds"],
  };
}

const EMPTY_HISTORY = { items: [], next_cursor: null };

describe("the notifications page", () => {
  it("shows the address, and Telegram switches disabled with a hint until a chat is linked", async () => {
    signIn();
    serve((r) => {
      if (r.path === "/api/notifications/preferences") return answer(200, prefs());
      if (r.path === "/api/notifications/history") return answer(200, EMPTY_HISTORY);
      return undefined;
    });
    renderPage(<NotificationsPage />);
    expect(await screen.findByText("ann@example.com")).toBeInTheDocument();
    const telegram = screen.getByRole("switch", { name: "Deposits by Telegram" });
    expect(telegram).toBeDisabled();
    expect(telegram).toHaveAccessibleDescription(
      "Link a Telegram chat below to switch Telegram messages on.",
    );
    expect(screen.getByRole("switch", { name: "Deposits by Email" })).toBeChecked();
    expect(await screen.findByText("Nothing has been sent to you yet.")).toBeInTheDocument();
  });

  it("switches at once, and puts the switch back when the API refuses it", async () => {
    signIn();
    // The PUTs wait for `release`, so the switch is seen before the API answers.
    let release: (status: number) => void = () => undefined;
    const puts: unknown[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: Request) => {
        const path = new URL(input.url).pathname;
        if (path === "/api/notifications/history") return answer(200, EMPTY_HISTORY);
        if (input.method === "GET") return answer(200, prefs("42"));
        puts.push(JSON.parse(await input.text()));
        const status = await new Promise<number>((resolve) => (release = resolve));
        if (status !== 200) {
          return answer(status, {
            error: { code: "service_unavailable", message: "down", details: null },
          });
        }
        const next = prefs("42");
        next.kinds[2] = { kind: "bet_won", email: false, telegram: true };
        return answer(200, next);
      }),
    );
    const user = userEvent.setup();
    renderPage(<NotificationsPage />);
    const won = await screen.findByRole("switch", { name: "Winning bets by Email" });
    await user.click(won);
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(won).not.toBeChecked(); // before the answer
    expect(puts[0]).toEqual({ kinds: [{ kind: "bet_won", email: false, telegram: true }] });
    release(200);
    expect(await screen.findByText("Saved.")).toBeInTheDocument();
    expect(won).not.toBeChecked();

    const deposits = screen.getByRole("switch", { name: "Deposits by Telegram" });
    await user.click(deposits);
    await waitFor(() => expect(puts).toHaveLength(2));
    expect(deposits).not.toBeChecked(); // before the answer
    release(503);
    await waitFor(() => expect(deposits).toBeChecked());
    expect(
      await screen.findByText(/^Not saved: .+ The switch is back as it was\.$/),
    ).toBeInTheDocument();
    // The first change stays.
    expect(won).not.toBeChecked();
  });

  it("checks a chat id before sending it, then links it", async () => {
    signIn();
    let chat: string | null = null;
    const sent = serve((r) => {
      if (r.path === "/api/notifications/history") return answer(200, EMPTY_HISTORY);
      if (r.path === "/api/notifications/preferences") return answer(200, prefs(chat));
      if (r.path === "/api/notifications/telegram" && r.method === "PUT") {
        chat = (r.body as { chat_id: string }).chat_id;
        return answer(200, prefs(chat));
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<NotificationsPage />);
    const field = await screen.findByLabelText("Chat id");
    await user.type(field, "@ann");
    await user.click(screen.getByRole("button", { name: "Link Telegram" }));
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("alert")).toHaveTextContent(
      "A chat id is digits only (a group's starts with -), at most 32 characters.",
    );
    expect(sent.filter((r) => r.path === "/api/notifications/telegram")).toHaveLength(0);

    await user.clear(field);
    await user.type(field, "-100123");
    await user.click(screen.getByRole("button", { name: "Link Telegram" }));
    expect(await screen.findByText("Telegram is linked.")).toBeInTheDocument();
    expect(sent.find((r) => r.path === "/api/notifications/telegram")?.body).toEqual({
      chat_id: "-100123",
    });
    const card = screen.getByRole("heading", { name: "Telegram" }).closest("section");
    expect(within(card as HTMLElement).getByText("-100123")).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: "Deposits by Telegram" })).toBeEnabled();
  });

  it("lists what was sent and loads more by cursor", async () => {
    signIn();
    const item = (id: string, status: string, subject: string) => ({
      id,
      kind: "deposit",
      channel: "email",
      subject,
      status,
      created_at: "2026-12-07T10:00:00Z",
      sent_at: status === "sent" ? "2026-12-07T10:00:05Z" : null,
    });
    let pages = 0;
    serve((r) => {
      if (r.path === "/api/notifications/preferences") return answer(200, prefs());
      if (r.path !== "/api/notifications/history") return undefined;
      pages += 1;
      return answer(
        200,
        pages === 1
          ? { items: [item("a", "sent", "Deposit received")], next_cursor: "a" }
          : { items: [item("b", "failed", "Older one")], next_cursor: null },
      );
    });
    const user = userEvent.setup();
    renderPage(<NotificationsPage />);
    expect(await screen.findByText("Deposit received")).toBeInTheDocument();
    expect(screen.getByText("Sent")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Older one")).toBeInTheDocument();
    expect(screen.getByText("Failed")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });
});
