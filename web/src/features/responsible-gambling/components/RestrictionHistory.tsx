import { useTranslation } from "react-i18next";
import { EmptyState } from "@/shared/ui";
import type { Restriction } from "../model/restriction";
import { useRgFormat } from "./words";

/** Every time-out and self-exclusion taken, newest first. */
export function RestrictionHistory({ history }: { history: Restriction[] }) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  if (history.length === 0) return <EmptyState>{t("history.empty")}</EmptyState>;
  return (
    <ul className="rg-history">
      {history.map((item) => (
        <li key={`${item.kind}-${item.until}-${item.created_at ?? ""}`}>
          {t("history.line", {
            kind: t(`kindTitle.${item.kind}`),
            taken: item.created_at ? format.time(item.created_at) : "—",
            until: format.time(item.until),
          })}
        </li>
      ))}
    </ul>
  );
}
