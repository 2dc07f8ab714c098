import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Button, Card, ConfirmStep, ErrorMessage, TextField } from "@/shared/ui";
import { useLinkTelegram, useUnlinkTelegram } from "../api/notifications";
import { chatIdProblem } from "../model/notifications";

/** Link a Telegram chat (its id, checked here as the API checks it), or unlink it. */
export function TelegramCard({
  chatId,
  onDone,
}: {
  chatId: string | null;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation("notifications");
  const link = useLinkTelegram();
  const unlink = useUnlinkTelegram();
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = chatIdProblem(value);
    setProblem(found);
    if (found) return;
    link.mutate(value.trim(), {
      onSuccess: () => {
        setValue("");
        onDone(t("telegram.linked"));
      },
    });
  };

  return (
    <Card title={t("telegram.title")} className="notif-card">
      <p className="muted">{t("telegram.howTo")}</p>
      {chatId ? (
        <>
          <p>
            {t("telegram.linkedTo")} <strong className="num">{chatId}</strong>
          </p>
          <ConfirmStep
            label={t("telegram.unlink")}
            question={t("telegram.confirmUnlink")}
            variant="secondary"
            busy={unlink.isPending}
            onConfirm={() =>
              unlink.mutate(undefined, { onSuccess: () => onDone(t("telegram.unlinked")) })
            }
          />
          <ErrorMessage error={unlink.error} />
        </>
      ) : (
        <form className="notif-telegram-form" noValidate onSubmit={submit}>
          <TextField
            label={t("telegram.chatId")}
            inputMode="numeric"
            autoComplete="off"
            value={value}
            hint={t("telegram.chatIdHint")}
            error={problem ? t(`telegram.${problem}`) : undefined}
            onChange={(event) => setValue(event.target.value)}
          />
          <ErrorMessage error={link.error} />
          <Button type="submit" busy={link.isPending}>
            {t("telegram.link")}
          </Button>
        </form>
      )}
    </Card>
  );
}
