/**
 * The app's own words, so that specs find controls by the label the user reads in the
 * project's language: `t("auth:signUp.submit")`, `t("nav.profile")` (namespace `common`),
 * `t("errors:partners.no_template")` (an error code, a flat key).
 * Read from the locale files the app is built from; a missing key fails loudly.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type Language = "en" | "ru";
export type Translate = (key: string) => string;

const SRC = new URL("../../src/", import.meta.url);
const cache = new Map<string, unknown>();

function namespace(language: Language, ns: string): unknown {
  const file = ["common", "errors"].includes(ns)
    ? `shared/locales/${language}/${ns}.json`
    : `features/${ns}/locales/${language}.json`;
  let found = cache.get(file);
  if (found === undefined) {
    found = JSON.parse(readFileSync(fileURLToPath(new URL(file, SRC)), "utf8"));
    cache.set(file, found);
  }
  return found;
}

export function translator(language: Language): Translate {
  return (key) => {
    const [ns, path] = key.includes(":") ? key.split(":", 2) : ["common", key];
    let value: unknown = namespace(language, ns ?? "common");
    // Error codes are flat keys ("partners.no_template"), as the app reads them.
    if (ns === "errors") {
      const found = (value as Record<string, unknown>)[path ?? ""];
      if (typeof found !== "string") throw new Error(`no ${language} text for ${key}`);
      return found;
    }
    for (const part of (path ?? "").split(".")) {
      value =
        typeof value === "object" && value !== null
          ? (value as Record<string, unknown>)[part]
          : undefined;
    }
    if (typeof value !== "string") throw new Error(`no ${language} text for ${key}`);
    return value;
  };
}

/** The part of a translated text before its first `{{placeholder}}`. */
export function lead(text: string): string {
  return text.split("{{")[0] ?? text;
}

/** A translated text with its placeholders filled. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ""));
}
