import { useTranslation } from "react-i18next";
import { Button, Card, EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import { useDefaultCard, useDeleteCard } from "../api/mutations";
import { useSavedCards } from "../api/queries";

export function SavedCards() {
  const { t } = useTranslation("wallet");
  const cards = useSavedCards();
  const remove = useDeleteCard();
  const makeDefault = useDefaultCard();
  return (
    <Card title={t("cards.title")} className="wallet-section">
      <ErrorMessage error={remove.error ?? makeDefault.error} />
      {cards.error ? (
        <ErrorMessage error={cards.error} onRetry={() => void cards.refetch()} />
      ) : !cards.data ? (
        <Skeleton lines={2} />
      ) : !cards.data.length ? (
        <EmptyState>{t("cards.empty")}</EmptyState>
      ) : (
        <ul className="wallet-list">
          {cards.data.map((card) => {
            const last4 = card.card_last4 ?? "";
            return (
              <li key={card.method_id} className="wallet-list-item">
                <span>
                  <strong>{(card.card_brand ?? "").toUpperCase()}</strong> ••••{" "}
                  <span className="num">{last4}</span>{" "}
                  <span className="muted">
                    {t("cards.expires", {
                      month: String(card.card_exp_month ?? "").padStart(2, "0"),
                      year: card.card_exp_year ?? "",
                    })}
                  </span>
                </span>
                <span className="wallet-list-actions">
                  {card.is_default ? (
                    <span className="badge wallet-badge-ok">{t("cards.default")}</span>
                  ) : (
                    <Button
                      variant="ghost"
                      aria-label={t("cards.defaultLabel", { last4 })}
                      busy={makeDefault.isPending && makeDefault.variables === card.method_id}
                      onClick={() => makeDefault.mutate(card.method_id)}
                    >
                      {t("cards.makeDefault")}
                    </Button>
                  )}
                  <Button
                    variant="ghost"
                    aria-label={t("cards.deleteLabel", { last4 })}
                    busy={remove.isPending && remove.variables === card.method_id}
                    onClick={() => {
                      if (window.confirm(t("cards.confirmDelete", { last4 }))) {
                        remove.mutate(card.method_id);
                      }
                    }}
                  >
                    {t("cards.delete")}
                  </Button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
