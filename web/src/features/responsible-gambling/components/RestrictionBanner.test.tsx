import { render, screen } from "@testing-library/react";
import { afterEach, vi } from "vitest";
import i18n from "@/app/i18n";
import { formatDateTime } from "@/shared/format/money";
import { session } from "@/shared/session/session";
import { answer, renderPage, serve, signIn } from "../test/harness";
import { RestrictionBanner } from "./RestrictionBanner";
import { RestrictionNotice } from "./RestrictionNotice";

const UNTIL = "2030-03-01T10:00:00+00:00";

afterEach(() => {
  vi.unstubAllGlobals();
  session.signedOut();
});

describe("the restriction banner", () => {
  it("says a time-out's end time, what is paused, and that it cannot be ended early", () => {
    void i18n.changeLanguage("en");
    render(<RestrictionBanner restriction={{ kind: "time_out", until: UNTIL }} />);
    const banner = screen.getByRole("status");
    expect(banner).toHaveTextContent(`You are on a time-out until ${formatDateTime(UNTIL, "en")}.`);
    expect(banner).toHaveTextContent(/Bets, deposits and marketing messages are paused/);
    expect(banner).toHaveTextContent(/open bets still settle and you can withdraw/);
    expect(banner).toHaveTextContent("It cannot be ended early.");
  });

  it("says a self-exclusion in Russian", () => {
    void i18n.changeLanguage("ru");
    render(<RestrictionBanner restriction={{ kind: "self_exclusion", until: UNTIL }} />);
    expect(screen.getByRole("status")).toHaveTextContent(
      `Вы исключили себя до ${formatDateTime(UNTIL, "ru")}.`,
    );
  });
});

describe("the notice in the bet slip and the deposit panel", () => {
  it("says what is paused until when, read from auth's restriction", async () => {
    signIn();
    serve((r) =>
      r.path === "/api/auth/responsible-gambling"
        ? answer(200, {
            restriction: { kind: "time_out", until: UNTIL, created_at: UNTIL },
            history: [],
          })
        : undefined,
    );
    renderPage(<RestrictionNotice about="deposits" />);
    expect(
      await screen.findByText(
        `Deposits are paused until ${formatDateTime(UNTIL, "en")} (time-out). You can still withdraw.`,
        { exact: false },
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Responsible gambling" })).toHaveAttribute(
      "href",
      "/profile/responsible-gambling",
    );
  });

  it("shows nothing once the restriction has ended, or when there is none", async () => {
    signIn();
    const sent = serve((r) =>
      r.path === "/api/auth/responsible-gambling"
        ? answer(200, {
            restriction: { kind: "time_out", until: "2020-01-01T00:00:00+00:00" },
            history: [],
          })
        : undefined,
    );
    const { container } = renderPage(<RestrictionNotice about="bets" />);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(container).toBeEmptyDOMElement();
  });

  it("asks nothing when signed out", () => {
    const sent = serve(() => undefined);
    const { container } = renderPage(<RestrictionNotice about="bets" />);
    expect(container).toBeEmptyDOMElement();
    expect(sent).toHaveLength(0);
  });
});
