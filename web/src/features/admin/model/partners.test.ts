import {
  generateSecret,
  partnerBody,
  partnerPatch,
  partnerSchema,
  SECRET_CHARSET,
  templateProblem,
} from "./partners";

describe("a generated secret", () => {
  it("is 48 letters and digits from the browser's random source", () => {
    const spy = vi.spyOn(crypto, "getRandomValues");
    const secret = generateSecret();
    expect(secret).toHaveLength(48);
    expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    expect(generateSecret()).not.toBe(secret);
  });

  it("draws again rather than bias: bytes of 248 and above are skipped", () => {
    let call = 0;
    const random = (bytes: Uint8Array) => {
      call += 1;
      bytes.fill(call === 1 ? 255 : 61); // all skipped, then every byte is the last character
      return bytes;
    };
    expect(generateSecret(10, random)).toBe("9".repeat(10));
    expect(call).toBe(2);
    expect(SECRET_CHARSET).toHaveLength(62);
  });

  it("passes the form's own check (32–256 characters)", () => {
    const parsed = partnerSchema.safeParse({
      partner_id: "onewin",
      name: "1Win",
      secret: generateSecret(),
      active: true,
      urls: { registration: "", first_deposit: "", deposit: "", withdrawal: "", win: "" },
    });
    expect(parsed.success).toBe(true);
  });
});

describe("a URL template", () => {
  it.each([
    "",
    "https://t.example/pb?sub={click_id}&goal={event}&sum={amount}&cur={currency}&tid={transaction_id}",
    "http://127.0.0.1:9/x?u={user_id}",
  ])("takes %s", (url) => expect(templateProblem(url)).toBeNull());

  it.each([
    ["ftp://t.example/x", "templateInvalid"],
    ["t.example/x", "templateInvalid"],
    ["https://t.example/x y", "templateInvalid"],
    ["https://t.example/x?{click_id", "templateInvalid"],
    ["https://t.example/x?{{click_id}}", "templateInvalid"],
    ["https://t.example/x?sub={clickid}", "unknownMacro"],
  ])("refuses %s (%s)", (url, problem) => expect(templateProblem(url)).toBe(problem));
});

describe("the bodies", () => {
  const urls = {
    registration: " https://t.example/r?c={click_id} ",
    first_deposit: "",
    deposit: "",
    withdrawal: "",
    win: "https://t.example/w",
  };
  it("create sends only the events with a template", () => {
    expect(
      partnerBody({
        partner_id: " acme ",
        name: " Acme ",
        secret: "s".repeat(48),
        active: false,
        urls,
      }),
    ).toEqual({
      partner_id: "acme",
      name: "Acme",
      secret: "s".repeat(48),
      active: false,
      urls: { registration: "https://t.example/r?c={click_id}", win: "https://t.example/w" },
    });
  });
  it("a change removes an emptied template with null", () => {
    expect(partnerPatch({ name: "Acme", active: true, urls }).urls).toEqual({
      registration: "https://t.example/r?c={click_id}",
      first_deposit: null,
      deposit: null,
      withdrawal: null,
      win: "https://t.example/w",
    });
  });
});
