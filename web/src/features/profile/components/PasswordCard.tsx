import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { fieldText } from "@/features/auth";
import { PASSWORD_MAX, PASSWORD_MIN, passwordSchema } from "@/shared/forms/credentials";
import { applyFieldErrors, Button, Card, ErrorMessage, TextField } from "@/shared/ui";
import { changePassword } from "../api/profile";

const schema = z
  .object({
    current_password: z.string().min(1, "required"),
    new_password: passwordSchema,
    repeat: z.string(),
  })
  .refine((values) => values.new_password === values.repeat, {
    message: "passwordsDiffer",
    path: ["repeat"],
  });
type Values = z.infer<typeof schema>;

export function PasswordCard() {
  const { t } = useTranslation("profile");
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { current_password: "", new_password: "", repeat: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setFailure(null);
    setDone(false);
    try {
      await changePassword(values.current_password, values.new_password);
      form.reset();
      setDone(true);
    } catch (error) {
      const placed = applyFieldErrors(error, form.setError, ["current_password", "new_password"], {
        t,
      });
      if (!placed) setFailure(error);
    }
  });
  return (
    <Card title={t("password.title")}>
      <form onSubmit={onSubmit} noValidate>
        {done ? (
          <p className="alert alert-success" role="status">
            {t("password.done")}
          </p>
        ) : null}
        <ErrorMessage error={failure} />
        <TextField
          label={t("password.current")}
          type="password"
          autoComplete="current-password"
          error={fieldText(t, errors.current_password)}
          {...form.register("current_password")}
        />
        <TextField
          label={t("password.new")}
          type="password"
          autoComplete="new-password"
          hint={t("auth:passwordRules", { min: PASSWORD_MIN, max: PASSWORD_MAX })}
          error={fieldText(t, errors.new_password)}
          {...form.register("new_password")}
        />
        <TextField
          label={t("password.repeat")}
          type="password"
          autoComplete="new-password"
          error={fieldText(t, errors.repeat)}
          {...form.register("repeat")}
        />
        <Button type="submit" busy={isSubmitting}>
          {t("password.submit")}
        </Button>
      </form>
    </Card>
  );
}
