import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { formatDate } from "@/shared/format/money";
import { EmptyState, ErrorMessage, PageTitle, Skeleton, TextField } from "@/shared/ui";
import { useUsers } from "../api/users";
import { Pager } from "../components/Pager";
import { StatusBadge } from "../components/StatusBadge";
import { useDebounced } from "../components/useDebounced";

/** Users found by a part of their email or name. */
export function Component() {
  const { t, i18n } = useTranslation("admin");
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const users = useUsers({ q, page });
  const search = useDebounced((value: string) =>
    setParams(value ? { q: value } : {}, { replace: true }),
  );
  const pages = users.data ? Math.ceil(users.data.total / users.data.page_size) : 0;
  return (
    <>
      <PageTitle>{t("users.title")}</PageTitle>
      <div className="admin-filters" role="search">
        <TextField
          label={t("users.search")}
          type="search"
          defaultValue={q}
          placeholder={t("users.searchHint")}
          onChange={(e) => search(e.target.value)}
        />
      </div>
      <ErrorMessage error={users.error} onRetry={() => void users.refetch()} />
      {users.isPending ? <Skeleton lines={8} height="2.4rem" /> : null}
      {users.data && users.data.users.length === 0 ? (
        <EmptyState>{t("users.none")}</EmptyState>
      ) : null}
      {users.data && users.data.users.length > 0 ? (
        <div className="table-wrap card">
          <table className="data admin-table admin-stack">
            <caption className="visually-hidden">{t("users.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("fields.email")}</th>
                <th scope="col">{t("fields.name")}</th>
                <th scope="col">{t("fields.role")}</th>
                <th scope="col">{t("fields.status")}</th>
                <th scope="col">{t("fields.joined")}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((user) => (
                <tr key={user.id}>
                  <td data-label={t("fields.email")}>
                    <Link to={`/admin/users/${user.id}`}>{user.email}</Link>
                    {user.is_verified ? null : (
                      <span className="muted"> · {t("users.unverified")}</span>
                    )}
                  </td>
                  <td data-label={t("fields.name")}>{user.name}</td>
                  <td data-label={t("fields.role")}>{t(`role.${user.role}`)}</td>
                  <td data-label={t("fields.status")}>
                    <StatusBadge status={user.status} />
                  </td>
                  <td data-label={t("fields.joined")} className="num">
                    {formatDate(user.created_at, i18n.language)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {users.data ? (
        <Pager
          page={page}
          pages={pages}
          onPage={(next) =>
            setParams(q ? { q, page: String(next) } : { page: String(next) }, { replace: true })
          }
        />
      ) : null}
    </>
  );
}
