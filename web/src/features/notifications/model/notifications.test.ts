import { chatIdProblem, rowsOf, switched, type NotificationPreferences } from "./notifications";

const PREFS: NotificationPreferences = {
  email: "ann@example.com",
  language: "en",
  telegram_chat_id: null,
  kinds: [
    { kind: "deposit", email: true, telegram: true },
    { kind: "bet_won", email: true, telegram: false },
  ],
};

describe("a chat id", () => {
  it.each(["123456789", "-1001234567890", " 42 "])("takes %s", (id) => {
    expect(chatIdProblem(id)).toBeNull();
  });
  it("asks for one when empty", () => expect(chatIdProblem("  ")).toBe("required"));
  it.each(["@ann", "12a", "--1", "1-2", "1".repeat(32), "+123"])("refuses %s", (id) => {
    expect(chatIdProblem(id)).toBe("chatIdInvalid");
  });
});

describe("the switches", () => {
  it("switch one kind's one channel only", () => {
    const next = switched(PREFS, "deposit", "email", false);
    expect(next.kinds).toEqual([
      { kind: "deposit", email: false, telegram: true },
      { kind: "bet_won", email: true, telegram: false },
    ]);
    expect(PREFS.kinds[0]?.email).toBe(true);
  });
  it("list all six kinds in order, a missing one on", () => {
    const rows = rowsOf(PREFS);
    expect(rows.map((row) => row.kind)).toEqual([
      "deposit",
      "withdrawal",
      "bet_won",
      "subscription",
      "package",
      "responsible_gambling",
    ]);
    expect(rows[1]).toEqual({ kind: "withdrawal", email: true, telegram: true });
    expect(rows[2]).toEqual({ kind: "bet_won", email: true, telegram: false });
  });
});
