import { useTranslation } from "react-i18next";
import { ErrorMessage } from "@/shared/ui";
import { eventCalls, useEventMutation } from "../api/events";
import type { AdminEvent } from "../api/types";
import { allowedActions } from "../model/eventActions";
import { ConfirmButton } from "./ConfirmButton";
import { ReasonForm } from "./ReasonForm";
import { RescheduleForm } from "./RescheduleForm";
import { ScoreForm } from "./ScoreForm";
import { SettleForm } from "./SettleForm";

/** The event's lifecycle: only the calls its status allows, each with the API's refusal in words. */
export function EventActions({ event }: { event: AdminEvent }) {
  const { t } = useTranslation("admin");
  const id = event.event_id;
  const start = useEventMutation(id, eventCalls.start);
  const postpone = useEventMutation(id, eventCalls.postpone);
  const cancel = useEventMutation(id, eventCalls.cancel);
  const actions = allowedActions(event.status, event.event_datetime);
  const quick = actions.some((a) => a === "start" || a === "postpone" || a === "cancel");
  if (actions.length === 0) {
    return <p className="muted">{t("editor.noActions")}</p>;
  }
  return (
    <div className="admin-actions">
      {quick ? (
        <div className="admin-row admin-quick-actions">
          {actions.includes("start") ? (
            <ConfirmButton
              label={t("actions.start")}
              question={t("editor.confirmStart")}
              danger={false}
              busy={start.isPending}
              onConfirm={() => start.mutate(undefined)}
            />
          ) : null}
          {actions.includes("postpone") ? (
            <ReasonForm
              label={t("actions.postpone")}
              question={t("editor.confirmPostpone")}
              busy={postpone.isPending}
              onSubmit={(reason) => postpone.mutate(reason)}
            />
          ) : null}
          {actions.includes("cancel") ? (
            <ReasonForm
              label={t("actions.cancel")}
              question={t("editor.confirmCancel")}
              busy={cancel.isPending}
              onSubmit={(reason) => cancel.mutate(reason)}
            />
          ) : null}
        </div>
      ) : null}
      <ErrorMessage error={start.error ?? postpone.error ?? cancel.error} />
      <div className="admin-action-forms">
        {actions.includes("score") ? <ScoreForm event={event} /> : null}
        {actions.includes("settle") ? <SettleForm eventId={id} /> : null}
        {actions.includes("resettle") ? <SettleForm eventId={id} resettle /> : null}
        {actions.includes("reschedule") ? <RescheduleForm eventId={id} /> : null}
      </div>
    </div>
  );
}
