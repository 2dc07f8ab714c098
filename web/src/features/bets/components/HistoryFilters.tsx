/** Status tabs (all / open / won / lost / void) and a date range; the page keeps them in the URL. */
import { useTranslation } from "react-i18next";
import { Button, TextField } from "@/shared/ui";
import { rangeIsValid, STATUS_FILTERS, type HistoryFilters as Filters } from "../model/filters";

export function HistoryFilters({
  value,
  onChange,
}: {
  value: Filters;
  onChange: (next: Filters) => void;
}) {
  const { t } = useTranslation("bets");
  const valid = rangeIsValid(value);
  return (
    <form
      className="bets-filters"
      aria-label={t("filters.label")}
      onSubmit={(event) => event.preventDefault()}
    >
      <fieldset className="bets-status-filter">
        <legend className="visually-hidden">{t("filters.status")}</legend>
        {STATUS_FILTERS.map((status) => (
          <button
            key={status}
            type="button"
            className="bets-chip"
            aria-pressed={value.status === status}
            onClick={() => onChange({ ...value, status })}
          >
            {t(`filters.${status}`)}
          </button>
        ))}
      </fieldset>
      <div className="bets-dates">
        <TextField
          type="date"
          label={t("filters.from")}
          value={value.from}
          max={value.to || undefined}
          onChange={(event) => onChange({ ...value, from: event.target.value })}
        />
        <TextField
          type="date"
          label={t("filters.to")}
          value={value.to}
          min={value.from || undefined}
          error={valid ? undefined : t("filters.rangeInvalid")}
          onChange={(event) => onChange({ ...value, to: event.target.value })}
        />
        {value.from || value.to ? (
          <Button variant="ghost" onClick={() => onChange({ ...value, from: "", to: "" })}>
            {t("filters.clearDates")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
