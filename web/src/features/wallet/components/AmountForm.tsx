import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { parseAmount, type Cents } from "@/shared/format/money";
import { Button, TextField } from "@/shared/ui";
import { amountIssue, type AmountRules } from "../model/validation";
import { issueText } from "./issues";
import { useMoney } from "./useMoney";

interface Props {
  id: string;
  rules: AmountRules;
  submitLabel: string;
  busy: boolean;
  /** The API's refusal in words, shown under the amount (limits, unverified account…). */
  refusal?: string | null;
  hint?: ReactNode;
  children?: ReactNode;
  onAmount: (cents: Cents) => void;
}

/** An amount with the limits checked as the user types, then one action with it. */
export function AmountForm({
  id,
  rules,
  submitLabel,
  busy,
  refusal,
  hint,
  children,
  onAmount,
}: Props) {
  const { t } = useTranslation("wallet");
  const money = useMoney();
  const schema = useMemo(
    () =>
      z.object({
        amount: z.string().superRefine((value, ctx) => {
          const issue = amountIssue(value, rules);
          if (issue) ctx.addIssue({ code: "custom", message: issueText(t, issue, money) });
        }),
      }),
    [rules, t, money],
  );
  const form = useForm<{ amount: string }>({
    resolver: zodResolver(schema),
    defaultValues: { amount: "" },
  });
  const error = form.formState.errors.amount?.message ?? refusal ?? undefined;
  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(({ amount }) => {
        const cents = parseAmount(amount);
        if (cents !== null) onAmount(cents);
      })}
    >
      <TextField
        id={`${id}-amount`}
        label={t("deposit.amount")}
        inputMode="decimal"
        autoComplete="off"
        className="wallet-amount"
        error={error}
        hint={hint ?? t("deposit.amountHint", { min: money(rules.min), max: money(rules.max) })}
        {...form.register("amount")}
      />
      {children}
      <Button type="submit" busy={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}
