import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import i18n from "@/app/i18n";
import { SignInForm } from "./SignInForm";

// The app calls its API by path ("/api/…", one origin); Node's Request needs an absolute URL.
const USER = {
  id: "6f1c2d9e-8a49-4a8c-9b1e-2d7f0c3a5b61",
  email: "ivan@example.com",
  name: "Ivan",
  is_verified: true,
  role: "user",
  status: "active",
  avatar_url: null,
  two_factor_enabled: true,
  telegram_id: null,
  created_at: "2026-12-07T03:00:00Z",
  preferences: {},
};
const TOKENS = {
  access_token: "access",
  refresh_token: "refresh",
  token_type: "bearer",
  expires_in: 900,
  user: USER,
  session: {
    id: "0b9a1f8e-1111-4c2d-8e3f-5a6b7c8d9e0f",
    created_at: "2026-12-07T03:00:00Z",
    expires_at: "2026-12-08T03:00:00Z",
    last_used_at: null,
    remember_me: false,
    ip: "127.0.0.1",
    user_agent: "test",
    current: true,
  },
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** fetch answering each call in turn; the requests are kept for assertions. */
function stubFetch(...answers: Response[]) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(input instanceof Request ? input : new Request(String(input), init));
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected request");
    return answer;
  });
  vi.stubGlobal("fetch", fetch);
  return requests;
}

function renderForm(onSignedIn = vi.fn()) {
  render(
    <MemoryRouter>
      <SignInForm next="/" onSignedIn={onSignedIn} />
    </MemoryRouter>,
  );
  return onSignedIn;
}

async function fillAndSubmit(email = "ivan@example.com", password = "correct-horse-9") {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return user;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("SignInForm", () => {
  it("shows wrong credentials in words", async () => {
    await i18n.changeLanguage("en");
    stubFetch(
      json(401, {
        error: {
          code: "auth.invalid_credentials",
          message: "The email or password is not correct.",
          details: null,
        },
      }),
    );
    const onSignedIn = renderForm();
    await fillAndSubmit();
    const alert = await screen.findByRole("alert");
    // The code's own words (errors namespace), never the code or a vague sentence by status.
    const words = i18n.t("auth.invalid_credentials", { ns: "errors", keySeparator: false });
    expect(words).not.toBe("auth.invalid_credentials");
    expect(alert).toHaveTextContent(words);
    expect(alert.textContent).not.toContain("auth.invalid_credentials");
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("puts a 422 next to its field", async () => {
    await i18n.changeLanguage("en");
    stubFetch(
      json(422, {
        error: {
          code: "validation_error",
          message: "The request is not valid.",
          details: [{ loc: ["body", "email"], msg: "too long", type: "string_too_long" }],
        },
      }),
    );
    renderForm();
    await fillAndSubmit();
    const email = screen.getByLabelText("Email");
    expect(await screen.findByText(/./, { selector: `#${email.id}-error` })).toBeInTheDocument();
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Password")).not.toHaveAttribute("aria-invalid");
  });

  it("asks for the second factor on a 2-FA challenge, then verifies it", async () => {
    await i18n.changeLanguage("en");
    const requests = stubFetch(
      json(200, { two_factor_required: true, challenge: "chal-123", expires_in: 300 }),
      json(200, TOKENS),
    );
    const onSignedIn = renderForm();
    const user = await fillAndSubmit();
    const code = await screen.findByLabelText("Code");
    await user.type(code, "123456");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(requests[1]?.url).toMatch(/\/api\/auth\/2fa\/verify$/);
    expect(await requests[1]?.json()).toEqual({ challenge: "chal-123", code: "123456" });
    expect(onSignedIn.mock.calls[0]?.[0]).toMatchObject({ access_token: "access" });
  });

  it("asks for the code when the account has 2-FA (auth.totp_required)", async () => {
    await i18n.changeLanguage("en");
    const requests = stubFetch(
      json(401, {
        error: { code: "auth.totp_required", message: "A code is required.", details: null },
      }),
      json(200, TOKENS),
    );
    const onSignedIn = renderForm();
    const user = await fillAndSubmit();
    await user.type(await screen.findByLabelText("Code"), "654321");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(await requests[1]?.json()).toMatchObject({ totp_code: "654321" });
  });

  it("checks the fields before asking the server", async () => {
    await i18n.changeLanguage("ru");
    const requests = stubFetch();
    renderForm();
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Войти" }));
    expect(await screen.findAllByRole("alert")).not.toHaveLength(0);
    expect(requests).toHaveLength(0);
    await i18n.changeLanguage("en");
  });
});
