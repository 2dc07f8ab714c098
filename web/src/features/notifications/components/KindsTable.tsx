import { useTranslation } from "react-i18next";
import { CHANNELS, rowsOf, type NotificationPreferences } from "../model/notifications";
import type { SwitchRequest } from "../api/notifications";

/**
 * The six kinds × two channels as switches (checkboxes with the switch role, so Space toggles
 * them). Without a linked Telegram chat its column is disabled, and the hint says why.
 */
export function KindsTable({
  preferences,
  onSwitch,
}: {
  preferences: NotificationPreferences;
  onSwitch: (request: SwitchRequest) => void;
}) {
  const { t } = useTranslation("notifications");
  const linked = preferences.telegram_chat_id !== null;
  return (
    <div className="table-wrap">
      <table className="data notif-kinds">
        <caption className="visually-hidden">{t("kinds.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("kinds.kind")}</th>
            {CHANNELS.map((channel) => (
              <th scope="col" key={channel} className="notif-switch-cell">
                {t(`channel.${channel}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rowsOf(preferences).map((row) => (
            <tr key={row.kind}>
              <th scope="row">
                <div className="notif-kind-name">{t(`kind.${row.kind}`)}</div>
                <div className="muted notif-kind-note">{t(`kindNote.${row.kind}`)}</div>
              </th>
              {CHANNELS.map((channel) => {
                const disabled = channel === "telegram" && !linked;
                return (
                  <td key={channel} className="notif-switch-cell">
                    <input
                      type="checkbox"
                      role="switch"
                      className="notif-switch"
                      checked={row[channel] && !disabled}
                      disabled={disabled}
                      aria-label={t("kinds.switch", {
                        kind: t(`kind.${row.kind}`),
                        channel: t(`channel.${channel}`),
                      })}
                      aria-describedby={disabled ? "notif-telegram-off" : undefined}
                      onChange={(event) =>
                        onSwitch({ kind: row.kind, channel, on: event.target.checked })
                      }
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {linked ? null : (
        <p id="notif-telegram-off" className="field-hint">
          {t("kinds.telegramOff")}
        </p>
      )}
    </div>
  );
}
