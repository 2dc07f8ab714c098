import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { Button, ErrorMessage, SelectField, TextField } from "@/shared/ui";
import { eventCalls, useEventMutation } from "../api/events";
import { oddsField, oddsValue } from "../model/forms";
import { MARKET_SELECTIONS, validLine, type AddableMarket } from "../model/markets";
import { useApiFieldErrors, useFormText } from "./useFormText";

const TYPES = Object.keys(MARKET_SELECTIONS) as AddableMarket[];

const schema = z
  .object({
    market_type: z.enum(["double_chance", "total", "btts"]),
    line: z.string(),
    live_betting: z.boolean(),
    prices: z.array(z.string()),
  })
  .superRefine((values, ctx) => {
    if (values.market_type === "total" && !validLine(values.line)) {
      ctx.addIssue({ code: "custom", path: ["line"], message: "lineInvalid" });
    }
    MARKET_SELECTIONS[values.market_type].forEach((_, i) => {
      const result = oddsField.safeParse(values.prices[i] ?? "");
      if (!result.success) {
        ctx.addIssue({
          code: "custom",
          path: ["prices", i],
          message: result.error.issues[0]?.message ?? "oddsInvalid",
        });
      }
    });
  });
type Values = z.infer<typeof schema>;

/** Another market of the event: double chance, a total (with its line) or both teams to score. */
export function AddMarketForm({ eventId }: { eventId: string }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const id = useId();
  const add = useEventMutation(eventId, eventCalls.addMarket);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      market_type: "double_chance",
      line: "2.5",
      live_betting: false,
      prices: ["", "", ""],
    },
  });
  const fieldErrors = useApiFieldErrors(form.setError, ["line"]);
  const type = useWatch({ control: form.control, name: "market_type" });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    const selections = MARKET_SELECTIONS[values.market_type];
    add.mutate(
      {
        market_type: values.market_type,
        line: values.market_type === "total" ? oddsValue(values.line) : null,
        live_betting: values.live_betting,
        odds: selections.map((bet_type, i) => ({
          bet_type,
          coefficient: oddsValue(values.prices[i] ?? ""),
        })),
      },
      {
        onSuccess: () => form.reset({ ...values, prices: ["", "", ""] }),
        onError: fieldErrors.place,
      },
    );
  });
  return (
    <form className="card admin-form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        {t("markets.add")}
      </h2>
      <div className="admin-odds-inputs">
        <SelectField label={t("markets.type")} {...form.register("market_type")}>
          {TYPES.map((market) => (
            <option key={market} value={market}>
              {t(`market.${market}`, { line: "" })}
            </option>
          ))}
        </SelectField>
        {type === "total" ? (
          <TextField
            label={t("markets.line")}
            inputMode="decimal"
            error={text(errors.line?.message)}
            {...form.register("line")}
          />
        ) : null}
      </div>
      <div className="admin-odds-inputs">
        {MARKET_SELECTIONS[type].map((selection, i) => (
          <TextField
            key={`${type}-${selection}`}
            label={t(`selection.${selection}`)}
            inputMode="decimal"
            error={text(errors.prices?.[i]?.message)}
            {...form.register(`prices.${i}`)}
          />
        ))}
      </div>
      <label className="check">
        <input type="checkbox" {...form.register("live_betting")} />
        {t("markets.liveBettingOption")}
      </label>
      {fieldErrors.placed ? null : <ErrorMessage error={add.error} />}
      <Button type="submit" variant="secondary" busy={add.isPending}>
        {t("markets.addSubmit")}
      </Button>
    </form>
  );
}
