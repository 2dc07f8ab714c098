import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ErrorMessage, SelectField, TextField } from "@/shared/ui";
import { useCreateEvent, useLeagues, useSports } from "../api/events";
import type { AdminEvent } from "../api/types";
import { createEventSchema, localToIso, oddsValue, type CreateEventValues } from "../model/forms";
import { useApiFieldErrors, useFormText } from "./useFormText";

const FIELDS = ["sport", "league", "home_team", "away_team", "event_datetime"] as const;

/** A new scheduled event with its main market: 1 / X / 2, or 1 / 2 (Winner) when X is empty. */
export function CreateEventForm({ onCreated }: { onCreated: (event: AdminEvent) => void }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const create = useCreateEvent();
  const form = useForm<CreateEventValues>({
    resolver: zodResolver(createEventSchema),
    defaultValues: {
      sport: "",
      league: "",
      home_team: "",
      away_team: "",
      event_datetime: "",
      odds_1: "",
      odds_x: "",
      odds_2: "",
    },
  });
  const fieldErrors = useApiFieldErrors(form.setError, FIELDS);
  const sport = useWatch({ control: form.control, name: "sport" });
  const sports = useSports();
  const leagues = useLeagues(sport);
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    const odds = [
      { bet_type: "1", coefficient: oddsValue(values.odds_1) },
      ...(values.odds_x ? [{ bet_type: "X", coefficient: oddsValue(values.odds_x) }] : []),
      { bet_type: "2", coefficient: oddsValue(values.odds_2) },
    ];
    create.mutate(
      {
        sport: values.sport,
        league: values.league,
        home_team: values.home_team.trim(),
        away_team: values.away_team.trim(),
        event_datetime: localToIso(values.event_datetime) ?? values.event_datetime,
        odds,
      },
      { onSuccess: onCreated, onError: fieldErrors.place },
    );
  });
  return (
    <form className="card admin-form" noValidate onSubmit={submit}>
      <div className="grid-2">
        <SelectField
          label={t("fields.sport")}
          error={text(errors.sport?.message)}
          {...form.register("sport")}
        >
          <option value="">{t("events.chooseSport")}</option>
          {sports.data?.map((s) => (
            <option key={s.sport_id} value={s.slug}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("fields.league")}
          error={text(errors.league?.message)}
          disabled={!sport}
          {...form.register("league")}
        >
          <option value="">{t("events.chooseLeague")}</option>
          {leagues.data?.map((league) => (
            <option key={league.league_id} value={String(league.league_id)}>
              {league.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("fields.homeTeam")}
          error={text(errors.home_team?.message)}
          {...form.register("home_team")}
        />
        <TextField
          label={t("fields.awayTeam")}
          error={text(errors.away_team?.message)}
          {...form.register("away_team")}
        />
        <TextField
          label={t("fields.start")}
          type="datetime-local"
          error={text(errors.event_datetime?.message)}
          {...form.register("event_datetime")}
        />
      </div>
      <fieldset className="admin-fieldset">
        <legend>{t("events.mainMarket")}</legend>
        <p className="field-hint">{t("events.mainMarketHint")}</p>
        <div className="admin-odds-inputs">
          <TextField
            label={t("selection.1")}
            inputMode="decimal"
            error={text(errors.odds_1?.message)}
            {...form.register("odds_1")}
          />
          <TextField
            label={t("selection.X")}
            inputMode="decimal"
            error={text(errors.odds_x?.message)}
            {...form.register("odds_x")}
          />
          <TextField
            label={t("selection.2")}
            inputMode="decimal"
            error={text(errors.odds_2?.message)}
            {...form.register("odds_2")}
          />
        </div>
      </fieldset>
      {fieldErrors.placed ? null : <ErrorMessage error={create.error} />}
      <Button type="submit" busy={create.isPending}>
        {t("events.create")}
      </Button>
    </form>
  );
}
