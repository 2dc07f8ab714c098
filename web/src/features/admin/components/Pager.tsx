import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";

export function Pager({
  page,
  pages,
  onPage,
}: {
  page: number;
  pages: number;
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation("admin");
  if (pages <= 1) return null;
  return (
    <nav className="admin-pager" aria-label={t("pager.label")}>
      <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("actions.previous", { ns: "common" })}
      </Button>
      <span className="num">{t("pager.of", { page, pages })}</span>
      <Button variant="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("actions.next", { ns: "common" })}
      </Button>
    </nav>
  );
}
