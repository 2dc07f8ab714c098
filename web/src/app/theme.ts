import { preferences } from "@/shared/preferences/preferences";

const dark = window.matchMedia("(prefers-color-scheme: dark)");

/** The theme in effect: the user's choice, else the system's (prefers-color-scheme). */
export function applyTheme(): void {
  const { theme } = preferences.get();
  const effective = theme === "system" ? (dark.matches ? "dark" : "light") : theme;
  document.documentElement.dataset.theme = effective;
}

export function effectiveTheme(): "dark" | "light" {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

applyTheme();
preferences.subscribe(applyTheme);
dark.addEventListener("change", applyTheme);
