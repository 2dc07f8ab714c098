import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";

export function Pagination({
  page,
  pages,
  total,
  onPage,
}: {
  page: number;
  pages: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation("bets");
  return (
    <nav className="bets-pagination" aria-label={t("pagination.label")}>
      <span className="muted">{t("pagination.total", { count: total })}</span>
      {pages > 1 ? (
        <div className="bets-pages">
          <Button variant="ghost" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            <span aria-hidden="true">‹ </span>
            {t("pagination.previous")}
          </Button>
          <span className="num" aria-current="page">
            {t("pagination.page", { page, pages })}
          </span>
          <Button variant="ghost" disabled={page >= pages} onClick={() => onPage(page + 1)}>
            {t("pagination.next")}
            <span aria-hidden="true"> ›</span>
          </Button>
        </div>
      ) : null}
    </nav>
  );
}
