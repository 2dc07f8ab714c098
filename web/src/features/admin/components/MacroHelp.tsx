import { useTranslation } from "react-i18next";
import { MACROS } from "../model/partners";

/** The macros a postback URL template may use, each with what it becomes. */
export function MacroHelp({ id }: { id?: string }) {
  const { t } = useTranslation("admin");
  return (
    <div className="admin-macros" id={id}>
      <p className="admin-note">{t("partners.macrosIntro")}</p>
      <dl className="admin-macro-list">
        {MACROS.map((macro) => (
          <div key={macro}>
            <dt>
              <code>{`{${macro}}`}</code>
            </dt>
            <dd>{t(`partners.macro.${macro}`)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
