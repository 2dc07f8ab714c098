/**
 * i18next with one namespace per feature: each feature keeps `locales/en.json` and
 * `locales/ru.json` beside its code (found here by a glob, so adding a feature edits nothing
 * here); `common` and `errors` live in src/shared/locales. Error codes are flat keys
 * ("account.unverified"), so the errors namespace is read without a key separator.
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { preferences } from "@/shared/preferences/preferences";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const files = import.meta.glob<{ default: Record<string, unknown> }>(
  ["../features/*/locales/*.json", "../shared/locales/*/*.json"],
  { eager: true },
);

function collect(): Resources {
  const resources: Resources = { en: {}, ru: {} };
  for (const [path, module] of Object.entries(files)) {
    const feature = /features\/([^/]+)\/locales\/(en|ru)\.json$/.exec(path);
    const shared = /shared\/locales\/(en|ru)\/([^/]+)\.json$/.exec(path);
    const [language, namespace] = feature
      ? [feature[2], feature[1]]
      : shared
        ? [shared[1], shared[2]]
        : [null, null];
    const bundle = language ? resources[language] : undefined;
    if (bundle && namespace) bundle[namespace] = module.default;
  }
  return resources;
}

void i18n.use(initReactI18next).init({
  resources: collect(),
  lng: preferences.get().language,
  fallbackLng: "en",
  defaultNS: "common",
  interpolation: { escapeValue: false },
  returnNull: false,
});

preferences.subscribe(() => {
  const { language } = preferences.get();
  if (i18n.language !== language) void i18n.changeLanguage(language);
  document.documentElement.lang = language;
});
document.documentElement.lang = preferences.get().language;

export default i18n;
