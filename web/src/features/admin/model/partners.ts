/**
 * The admin's partner forms, as the partners service checks them (docs/partners.md): a partner
 * id is a slug, a secret 32–256 characters (generated here: 48 random letters and digits), each
 * event's URL template an absolute http(s) address with known macros only. Each message is a key
 * of the admin namespace's `form` section.
 */
import { z } from "zod";

export const PARTNER_EVENTS = [
  "registration",
  "first_deposit",
  "deposit",
  "withdrawal",
  "win",
] as const;
export type PartnerEvent = (typeof PARTNER_EVENTS)[number];

/** The macros a template may use, in the order the docs list them. */
export const MACROS = ["click_id", "user_id", "amount", "currency", "event", "transaction_id"];

export const SECRET_LENGTH = 48;
export const SECRET_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const PARTNER_ID = /^[a-z0-9][a-z0-9_-]{1,49}$/;

/**
 * A new secret from the browser's CSPRNG (`crypto.getRandomValues`): letters and digits, each
 * equally likely (bytes of 248 and above are drawn again, so 62 divides the range evenly).
 */
export function generateSecret(
  length = SECRET_LENGTH,
  random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string {
  const limit = 256 - (256 % SECRET_CHARSET.length);
  let out = "";
  while (out.length < length) {
    for (const byte of random(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += SECRET_CHARSET[byte % SECRET_CHARSET.length];
    }
  }
  return out;
}

/** What is wrong with a URL template ("" is no template), as the service would refuse it. */
export function templateProblem(text: string): "templateInvalid" | "unknownMacro" | null {
  const value = text.trim();
  if (!value) return null;
  if (value.length > 2000 || /\s/.test(value) || !/^https?:\/\/[^/?#{}]+/i.test(value)) {
    return "templateInvalid";
  }
  let depth = 0;
  for (const char of value) {
    depth += char === "{" ? 1 : char === "}" ? -1 : 0;
    if (depth < 0 || depth > 1) return "templateInvalid";
  }
  if (depth !== 0) return "templateInvalid";
  const used = [...value.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? "");
  return used.every((macro) => MACROS.includes(macro)) ? null : "unknownMacro";
}

const template = z.string().superRefine((value, context) => {
  const problem = templateProblem(value);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const urls = z.object({
  registration: template,
  first_deposit: template,
  deposit: template,
  withdrawal: template,
  win: template,
});

const name = z.string().trim().min(1, { error: "required" }).max(100, { error: "tooLong" });
const secret = z
  .string()
  .min(1, { error: "required" })
  .refine((value) => value.length >= 32, { error: "secretShort" })
  .refine((value) => value.length <= 256, { error: "tooLong" });

export const partnerSchema = z.object({
  partner_id: z
    .string()
    .trim()
    .min(1, { error: "required" })
    .refine((value) => PARTNER_ID.test(value), { error: "partnerIdInvalid" }),
  name,
  secret,
  active: z.boolean(),
  urls,
});
export type PartnerValues = z.infer<typeof partnerSchema>;

export const partnerEditSchema = z.object({ name, active: z.boolean(), urls });
export type PartnerEditValues = z.infer<typeof partnerEditSchema>;

export const secretSchema = z.object({ secret });

export const emptyUrls = (): Record<PartnerEvent, string> =>
  Object.fromEntries(PARTNER_EVENTS.map((event) => [event, ""])) as Record<PartnerEvent, string>;

/** The create body: only the events with a template. */
export function partnerBody(values: PartnerValues) {
  const templates: Partial<Record<PartnerEvent, string>> = {};
  for (const event of PARTNER_EVENTS) {
    const url = values.urls[event].trim();
    if (url) templates[event] = url;
  }
  return {
    partner_id: values.partner_id.trim(),
    name: values.name.trim(),
    secret: values.secret,
    active: values.active,
    urls: templates,
  };
}

/** The PATCH body: name, active, and every event's template (an emptied one as null: removed). */
export function partnerPatch(values: PartnerEditValues) {
  const templates: Partial<Record<PartnerEvent, string | null>> = {};
  for (const event of PARTNER_EVENTS) templates[event] = values.urls[event].trim() || null;
  return { name: values.name.trim(), active: values.active, urls: templates };
}
