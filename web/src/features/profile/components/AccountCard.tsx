import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { fieldText } from "@/features/auth";
import type { SessionUser } from "@/shared/session/session";
import { applyFieldErrors, Button, Card, ErrorMessage, TextField } from "@/shared/ui";
import { updateProfile } from "../api/profile";
import { AvatarField } from "./AvatarField";

const schema = z.object({
  name: z.string().trim().min(1, "required").max(100, "nameLong"),
  // Empty unlinks Telegram; otherwise a positive whole number (Telegram's user id).
  telegram_id: z
    .string()
    .trim()
    .regex(/^(\d{1,18})?$/, "telegramId")
    .refine((value) => value === "" || Number(value) > 0, "telegramId"),
});
type Values = z.infer<typeof schema>;

export function AccountCard({ user }: { user: SessionUser }) {
  const { t } = useTranslation("profile");
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      name: user.name,
      telegram_id: user.telegram_id ? String(user.telegram_id) : "",
    },
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setFailure(null);
    setSaved(false);
    try {
      const telegram = values.telegram_id === "" ? null : Number(values.telegram_id);
      const updated = await updateProfile({ name: values.name, telegram_id: telegram });
      form.reset({
        name: updated.name,
        telegram_id: updated.telegram_id ? String(updated.telegram_id) : "",
      });
      setSaved(true);
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, ["name", "telegram_id"], { t }))
        setFailure(error);
    }
  });
  return (
    <Card title={t("account.title")}>
      <AvatarField user={user} />
      <form onSubmit={onSubmit} noValidate>
        <ErrorMessage error={failure} />
        <TextField
          label={t("account.email")}
          value={user.email}
          readOnly
          hint={user.is_verified ? t("account.verified") : t("account.unverified")}
        />
        <TextField
          label={t("account.name")}
          autoComplete="name"
          error={fieldText(t, errors.name)}
          {...form.register("name")}
        />
        <TextField
          label={t("account.telegram")}
          inputMode="numeric"
          hint={t("account.telegramHint")}
          error={fieldText(t, errors.telegram_id)}
          {...form.register("telegram_id")}
        />
        <div className="profile-actions">
          <Button type="submit" busy={isSubmitting} disabled={!isDirty}>
            {t("common:actions.save")}
          </Button>
          {saved && !isDirty ? (
            <span className="profile-saved" role="status">
              {t("saved")}
            </span>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
