import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { PageTitle } from "@/shared/ui";
import { CreateEventForm } from "../components/CreateEventForm";

export function Component() {
  const { t } = useTranslation("admin");
  const navigate = useNavigate();
  return (
    <>
      <p className="admin-back">
        <Link to="/admin/events">← {t("events.backToList")}</Link>
      </p>
      <PageTitle>{t("events.new")}</PageTitle>
      <CreateEventForm onCreated={(event) => navigate(`/admin/events/${event.event_id}`)} />
    </>
  );
}
