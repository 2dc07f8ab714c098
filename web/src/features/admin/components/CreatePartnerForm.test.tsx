import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import i18n from "@/app/i18n";
import { renderAdmin, stubFetch } from "../test/render";
import { CreatePartnerForm } from "./CreatePartnerForm";
import { MacroHelp } from "./MacroHelp";

afterEach(() => vi.unstubAllGlobals());

describe("the macro help", () => {
  it("lists the six macros the service takes, each with what it becomes", () => {
    renderAdmin(<MacroHelp />);
    const terms = screen.getAllByRole("term").map((term) => term.textContent);
    expect(terms).toEqual([
      "{click_id}",
      "{user_id}",
      "{amount}",
      "{currency}",
      "{event}",
      "{transaction_id}",
    ]);
    expect(screen.getAllByRole("definition")).toHaveLength(6);
    expect(screen.getByText(/the amount, like 12\.50/)).toBeInTheDocument();
  });

  it("is in Russian too", () => {
    void i18n.changeLanguage("ru");
    render(<MacroHelp />);
    expect(screen.getByText(/сумма, например 12\.50/)).toBeInTheDocument();
    void i18n.changeLanguage("en");
  });
});

describe("a new partner", () => {
  it("generates a 48-character secret into the password field", async () => {
    const user = userEvent.setup();
    renderAdmin(<CreatePartnerForm />);
    const secret = screen.getByLabelText("Signing secret");
    expect(secret).toHaveAttribute("type", "password");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const value = (secret as HTMLInputElement).value;
    expect(value).toMatch(/^[A-Za-z0-9]{48}$/);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect((secret as HTMLInputElement).value).not.toBe(value);
    await user.click(screen.getByRole("button", { name: "Show" }));
    expect(secret).toHaveAttribute("type", "text");
  });

  it("checks the id, the secret and the templates before sending, then sends with an Idempotency-Key", async () => {
    const keys: (string | null)[] = [];
    const calls = stubFetch(() => ({
      status: 201,
      body: {
        partner_id: "acme",
        name: "Acme",
        urls: {},
        active: true,
        created_at: "2026-12-07T10:00:00Z",
        updated_at: "2026-12-07T10:00:00Z",
      },
    }));
    const stubbed = globalThis.fetch as unknown as ReturnType<typeof vi.fn>;
    const inner = stubbed.getMockImplementation() as (input: Request) => Promise<Response>;
    stubbed.mockImplementation((input: Request) => {
      keys.push(input.headers.get("Idempotency-Key"));
      return inner(input);
    });
    const user = userEvent.setup();
    const created = vi.fn();
    renderAdmin(<CreatePartnerForm onCreated={created} />);
    await user.type(screen.getByLabelText("Partner id"), "Acme!");
    await user.type(screen.getByLabelText("Name"), "Acme");
    await user.type(screen.getByLabelText("Signing secret"), "short");
    // Pasted: user-event reads "{" as the start of a key name.
    await user.click(screen.getByLabelText("Registration"));
    await user.paste("https://t.example/r?c={clickid}");
    await user.type(screen.getByLabelText("Win"), "t.example/w");
    await user.click(screen.getByRole("button", { name: "Create partner" }));
    expect(await screen.findByText(/2 to 50 lower-case letters/)).toBeInTheDocument();
    expect(screen.getByText(/at least 32 characters/)).toBeInTheDocument();
    expect(screen.getByText(/uses a macro we do not know/)).toBeInTheDocument();
    expect(screen.getByText(/http:\/\/ or https:\/\/ address/)).toBeInTheDocument();
    expect(calls).toHaveLength(0);

    await user.clear(screen.getByLabelText("Partner id"));
    await user.type(screen.getByLabelText("Partner id"), "acme");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await user.clear(screen.getByLabelText("Registration"));
    await user.click(screen.getByLabelText("Registration"));
    await user.paste("https://t.example/r?c={click_id}");
    await user.clear(screen.getByLabelText("Win"));
    await user.click(screen.getByRole("button", { name: "Create partner" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    const body = calls[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      partner_id: "acme",
      name: "Acme",
      active: true,
      urls: { registration: "https://t.example/r?c={click_id}" },
    });
    expect(String(body.secret)).toHaveLength(48);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => expect(created).toHaveBeenCalled());
  });

  it("says a taken id in words", async () => {
    stubFetch(() => ({
      status: 409,
      body: { error: { code: "partners.partner_exists", message: "exists", details: null } },
    }));
    const user = userEvent.setup();
    renderAdmin(<CreatePartnerForm />);
    await user.type(screen.getByLabelText("Partner id"), "acme");
    await user.type(screen.getByLabelText("Name"), "Acme");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await user.click(screen.getByRole("button", { name: "Create partner" }));
    const form = screen.getByRole("form", { name: "New partner" });
    expect(
      await within(form).findByText("A partner with this id already exists. Choose another id."),
    ).toBeInTheDocument();
  });
});
