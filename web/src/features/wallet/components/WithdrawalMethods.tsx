import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { isApiError } from "@/shared/api/errors";
import { Button, Card, EmptyState, ErrorMessage, Skeleton, TextField } from "@/shared/ui";
import {
  useAddWithdrawalMethod,
  useDefaultWithdrawalMethod,
  type BankAccountInput,
} from "../api/mutations";
import { useWithdrawalMethods } from "../api/queries";
import { ibanIssue } from "../model/validation";

const FIELDS = ["account_holder_name", "iban", "swift_code", "bank_name"] as const;

function AddBankAccount({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation("wallet");
  const add = useAddWithdrawalMethod();
  const schema = useMemo(
    () =>
      z.object({
        account_holder_name: z.string().trim().min(1, t("validation.required")).max(100),
        iban: z.string().superRefine((value, ctx) => {
          const issue = ibanIssue(value);
          if (issue) ctx.addIssue({ code: "custom", message: t(issue.key) });
        }),
        swift_code: z.string().trim().max(20),
        bank_name: z.string().trim().max(100),
      }),
    [t],
  );
  const form = useForm<BankAccountInput>({
    resolver: zodResolver(schema),
    defaultValues: { account_holder_name: "", iban: "", swift_code: "", bank_name: "" },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit((input) =>
    add.mutate(input, {
      onSuccess: () => {
        form.reset();
        onDone();
      },
      onError: (error) => {
        // A 422 names the field it is about: shown there, the rest above the form.
        if (!isApiError(error)) return;
        for (const [field, type] of Object.entries(error.fieldErrors())) {
          const name = FIELDS.find((f) => f === field);
          if (name)
            form.setError(name, {
              message: t(`validation_error`, { ns: "errors", defaultValue: type }),
            });
        }
      },
    }),
  );
  const labels: Record<(typeof FIELDS)[number], string> = {
    account_holder_name: t("methods.holder"),
    iban: t("methods.iban"),
    swift_code: t("methods.swift"),
    bank_name: t("methods.bank"),
  };
  return (
    <form noValidate onSubmit={submit} className="wallet-add-method">
      <h3>{t("methods.add")}</h3>
      {add.error && !(isApiError(add.error) && Object.keys(add.error.fieldErrors()).length) ? (
        <ErrorMessage error={add.error} />
      ) : null}
      <div className="grid-2">
        {FIELDS.map((name) => (
          <TextField
            key={name}
            label={labels[name]}
            autoComplete={name === "account_holder_name" ? "name" : "off"}
            error={errors[name]?.message}
            {...form.register(name)}
          />
        ))}
      </div>
      <Button type="submit" busy={add.isPending}>
        {t("methods.save")}
      </Button>
    </form>
  );
}

export function WithdrawalMethods() {
  const { t } = useTranslation("wallet");
  const methods = useWithdrawalMethods();
  const makeDefault = useDefaultWithdrawalMethod();
  const [added, setAdded] = useState(false);
  return (
    <Card title={t("methods.title")} className="wallet-section">
      <ErrorMessage error={makeDefault.error} />
      {methods.error ? (
        <ErrorMessage error={methods.error} onRetry={() => void methods.refetch()} />
      ) : !methods.data ? (
        <Skeleton lines={2} />
      ) : !methods.data.length ? (
        <EmptyState>{t("methods.empty")}</EmptyState>
      ) : (
        <ul className="wallet-list">
          {methods.data.map((method) => (
            <li key={method.method_id} className="wallet-list-item">
              <span>
                <span className="num">{method.destination}</span>{" "}
                <span className="muted">
                  {[method.account_holder_name, method.bank_name].filter(Boolean).join(" · ")}
                </span>
              </span>
              <span className="wallet-list-actions">
                <span
                  className={`badge ${method.is_verified ? "wallet-badge-ok" : "wallet-badge-pending"}`}
                >
                  {method.is_verified ? t("methods.verified") : t("methods.pending")}
                </span>
                {method.is_default ? (
                  <span className="badge">{t("methods.default")}</span>
                ) : method.is_verified ? (
                  <Button variant="ghost" onClick={() => makeDefault.mutate(method.method_id)}>
                    {t("methods.makeDefault")}
                  </Button>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
      {added ? (
        <p className="alert alert-success" role="status">
          {t("methods.added")}
        </p>
      ) : null}
      <AddBankAccount onDone={() => setAdded(true)} />
    </Card>
  );
}
