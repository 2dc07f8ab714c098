import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import i18n from "@/app/i18n";
import { session, type TokenAnswer } from "@/shared/session/session";
import { VerifyEmailPrompt } from "./VerifyEmailPrompt";

function signInAs(is_verified: boolean) {
  session.signedIn({
    access_token: "a",
    refresh_token: "r",
    expires_in: 900,
    user: { id: "u1", email: "new@example.com", name: "New", role: "user", is_verified },
  } as TokenAnswer);
}

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <VerifyEmailPrompt />
    </MemoryRouter>,
  );
}

afterEach(() => session.signedOut());

describe("VerifyEmailPrompt", () => {
  it("asks an unverified user for the code, with the address filled in", async () => {
    await i18n.changeLanguage("en");
    signInAs(false);
    renderAt("/");
    const link = screen.getByRole("link", { name: "Enter the code" });
    expect(link).toHaveAttribute("href", "/verify-email?email=new%40example.com");
  });

  it("stays away for a verified user, a visitor, and on the code page itself", () => {
    signInAs(true);
    expect(renderAt("/").container).toBeEmptyDOMElement();
    session.signedOut();
    expect(renderAt("/").container).toBeEmptyDOMElement();
    signInAs(false);
    expect(renderAt("/verify-email").container).toBeEmptyDOMElement();
  });
});
