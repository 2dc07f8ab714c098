import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { isApiError } from "@/shared/api/errors";
import { parseAmount, type Cents } from "@/shared/format/money";
import { Button, errorText, SelectField, TextField } from "@/shared/ui";
import { useWithdraw } from "../api/mutations";
import type { WithdrawalLimits } from "../model/limits";
import type { WithdrawalMethod } from "../model/types";
import { amountIssue } from "../model/validation";
import { issueText } from "./issues";
import { useMoney } from "./useMoney";

interface Props {
  available: Cents;
  /** The API's (GET /withdrawal-limits): refetched after a withdrawal or a cancel. */
  limits: WithdrawalLimits;
  methods: WithdrawalMethod[];
}

interface Fields {
  amount: string;
  methodId: string;
}

/** Refusals about where the money goes are shown at the account; the rest at the amount. */
const METHOD_CODES = new Set([
  "wallet.withdrawal_method_unverified",
  "wallet.withdrawal_method_not_found",
  "wallet.no_default_withdrawal_method",
]);

export function WithdrawForm({ available, limits, methods }: Props) {
  const { t } = useTranslation("wallet");
  const money = useMoney();
  const withdraw = useWithdraw();
  const [done, setDone] = useState<string | null>(null);
  const { daily } = limits;
  const rules = useMemo(
    () => ({ min: limits.min, max: limits.max, remaining: daily.remaining, available }),
    [limits.min, limits.max, daily.remaining, available],
  );
  const schema = useMemo(
    () =>
      z.object({
        amount: z.string().superRefine((value, ctx) => {
          const issue = amountIssue(value, rules);
          if (issue) ctx.addIssue({ code: "custom", message: issueText(t, issue, money) });
        }),
        methodId: z.string().min(1, t("validation.method")),
      }),
    [rules, t, money],
  );
  const fallback = methods.find((m) => m.is_default) ?? methods.find((m) => m.is_verified);
  const form = useForm<Fields>({
    resolver: zodResolver(schema),
    defaultValues: { amount: "", methodId: fallback?.method_id ?? "" },
  });
  const { errors } = form.formState;
  const methodId = useWatch({ control: form.control, name: "methodId" });
  const chosen = methods.find((m) => m.method_id === methodId);

  const submit = form.handleSubmit(({ amount, methodId }) => {
    const cents = parseAmount(amount);
    if (cents === null) return;
    setDone(null);
    withdraw.mutate(
      { cents, methodId },
      {
        onSuccess: () => {
          setDone(t("withdraw.created", { amount: money(cents) }));
          form.reset({ amount: "", methodId });
        },
        onError: (error) => {
          const field = isApiError(error) && METHOD_CODES.has(error.code) ? "methodId" : "amount";
          form.setError(field, { message: errorText(t, error) });
        },
      },
    );
  });

  return (
    <form noValidate onSubmit={submit}>
      <p className="wallet-limits" id="wallet-withdraw-limits">
        {t("withdraw.limits", {
          limit: money(daily.limit),
          used: money(daily.used),
          remaining: money(daily.remaining),
        })}
        <br />
        <span className="muted">
          {t("withdraw.perRequest", { min: money(limits.min), max: money(limits.max) })}
        </span>
      </p>
      <TextField
        label={t("withdraw.amount")}
        inputMode="decimal"
        autoComplete="off"
        className="wallet-amount"
        aria-describedby="wallet-withdraw-limits"
        error={errors.amount?.message}
        {...form.register("amount")}
      />
      <SelectField
        label={t("withdraw.method")}
        error={errors.methodId?.message}
        {...form.register("methodId")}
      >
        <option value="">{t("withdraw.choose")}</option>
        {methods.map((method) => (
          <option key={method.method_id} value={method.method_id}>
            {method.destination}
            {method.is_verified ? "" : ` — ${t("methods.pending")}`}
          </option>
        ))}
      </SelectField>
      {chosen && !chosen.is_verified && !errors.methodId ? (
        <p className="field-hint wallet-warn">{t("withdraw.unverified")}</p>
      ) : null}
      {done ? (
        <p className="alert alert-success" role="status">
          {done}
        </p>
      ) : null}
      <Button type="submit" busy={withdraw.isPending}>
        {t("withdraw.submit")}
      </Button>
    </form>
  );
}
