import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage, SelectField } from "@/shared/ui";
import { useUserAction } from "../api/users";
import type { AdminUserDetails } from "../api/types";
import { ConfirmButton } from "./ConfirmButton";
import { ReasonForm } from "./ReasonForm";

/** Block (with a reason) / unblock, and the role; the API refuses an admin's change to themself. */
export function UserAdminActions({ user }: { user: AdminUserDetails }) {
  const { t } = useTranslation("admin");
  const action = useUserAction(user.id);
  const [role, setRole] = useState(user.role);
  const blocked = user.status === "blocked";
  return (
    <div className="admin-actions">
      <div className="admin-row">
        {blocked ? (
          <ConfirmButton
            label={t("actions.unblock")}
            question={t("users.confirmUnblock")}
            danger={false}
            busy={action.isPending && action.variables.kind === "unblock"}
            onConfirm={() => action.mutate({ kind: "unblock" })}
          />
        ) : (
          <ReasonForm
            label={t("actions.block")}
            question={t("users.confirmBlock")}
            required
            busy={action.isPending && action.variables.kind === "block"}
            onSubmit={(reason) => action.mutate({ kind: "block", reason: reason ?? "" })}
          />
        )}
      </div>
      <div className="admin-row admin-role">
        <SelectField
          label={t("fields.role")}
          className="admin-inline-field"
          value={role}
          onChange={(e) => setRole(e.target.value === "admin" ? "admin" : "user")}
        >
          <option value="user">{t("role.user")}</option>
          <option value="admin">{t("role.admin")}</option>
        </SelectField>
        {role !== user.role ? (
          <ConfirmButton
            label={t("actions.changeRole")}
            question={t("users.confirmRole", { role: t(`role.${role}`) })}
            busy={action.isPending && action.variables.kind === "role"}
            onConfirm={() => action.mutate({ kind: "role", role })}
          />
        ) : null}
      </div>
      <ErrorMessage error={action.error} />
    </div>
  );
}
