/** The SMTP sink's inbox: what the platform mailed (sign-up codes). */
import { platform } from "./platform";

interface Message {
  to?: string;
  subject?: string;
  text?: string;
}

const CODE = /\b(\d{6})\b/;

async function messagesTo(email: string): Promise<Message[]> {
  const url = new URL(platform().inbox_url);
  url.searchParams.set("to", email);
  const answer = await fetch(url);
  if (!answer.ok) throw new Error(`inbox: ${answer.status} ${await answer.text()}`);
  return (await answer.json()) as Message[];
}

/** The newest six-digit code mailed to `email`, polled until it arrives (the mail is async). */
export async function codeFor(email: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await messagesTo(email))
      .reverse()
      .map((message) => CODE.exec(message.subject ?? "") ?? CODE.exec(message.text ?? ""))
      .find((match) => match !== null);
    if (found?.[1]) return found[1];
    if (Date.now() > deadline) throw new Error(`no code mailed to ${email} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A six-digit code mailed to `email` after `previous` (e.g. the reset code after sign-up's). */
export async function nextCodeFor(
  email: string,
  previous: string,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = await codeFor(email, Math.max(0, deadline - Date.now()));
    if (code !== previous) return code;
    if (Date.now() > deadline) throw new Error(`no new code mailed to ${email} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
