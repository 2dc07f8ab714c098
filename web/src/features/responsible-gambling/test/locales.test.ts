import en from "../locales/en.json";
import ru from "../locales/ru.json";

/** Every key path, with i18next's plural suffixes folded into the key they belong to. */
function keys(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = `${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, "")}`;
    return typeof value === "object" && value !== null ? keys(value, `${path}.`) : [path];
  });
}

it("has Russian words for every English key, and no others", () => {
  expect([...new Set(keys(ru))].sort()).toEqual([...new Set(keys(en))].sort());
});

it("has every Russian plural form where the English has plurals", () => {
  const plurals = (tree: object, prefix = ""): string[] =>
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === "object" && value !== null
        ? plurals(value, `${prefix}${key}.`)
        : key.endsWith("_other")
          ? [`${prefix}${key.slice(0, -"_other".length)}`]
          : [],
    );
  const flat = (tree: object, prefix = ""): string[] =>
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === "object" && value !== null
        ? flat(value, `${prefix}${key}.`)
        : [prefix + key],
    );
  const russian = new Set(flat(ru));
  for (const base of plurals(en)) {
    for (const form of ["one", "few", "many", "other"]) {
      expect(russian.has(`${base}_${form}`), `${base}_${form}`).toBe(true);
    }
  }
});
