import { useTranslation } from "react-i18next";
import { formatCount } from "@/shared/format/money";
import { Skeleton } from "@/shared/ui";
import { useSports } from "../api/queries";

/** All / ⚽ Football 47 / … ; the count is the sport's upcoming and live events. */
export function SportTabs({
  value,
  onChange,
  panelId,
}: {
  value: string | null;
  onChange: (sport: string | null) => void;
  panelId: string;
}) {
  const { t, i18n } = useTranslation("events");
  const { data, isPending } = useSports();
  if (isPending) return <Skeleton lines={1} height="2.5rem" />;
  const sports = data?.sports ?? [];
  const count = (s: { live_count?: number; upcoming_count?: number }) =>
    (s.live_count ?? 0) + (s.upcoming_count ?? 0);
  const all = sports.reduce((sum, s) => sum + count(s), 0);
  const tabs = [
    { slug: null, label: t("allSports"), icon: "", count: all },
    // A sport with nothing to bet on is no tab (sportsbooks hide them), unless it is chosen.
    ...sports
      .filter((s) => count(s) > 0 || s.slug === value)
      .map((s) => ({
        slug: s.slug,
        label: t(`sports.${s.slug}`, { defaultValue: s.name }),
        icon: s.icon ?? "",
        count: count(s),
      })),
  ];
  return (
    <div className="tabs events-tabs" role="tablist" aria-label={t("sportsLabel")}>
      {tabs.map((tab) => (
        <button
          key={tab.slug ?? "all"}
          type="button"
          role="tab"
          aria-selected={value === tab.slug}
          aria-controls={panelId}
          tabIndex={value === tab.slug ? 0 : -1}
          onClick={() => onChange(tab.slug)}
          onKeyDown={(e) => {
            // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Tab leaves the list.
            const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
            if (!step) return;
            e.preventDefault();
            const index = tabs.findIndex((x) => x.slug === tab.slug);
            const next = tabs[(index + step + tabs.length) % tabs.length];
            if (!next) return;
            onChange(next.slug);
            const buttons = e.currentTarget.parentElement?.querySelectorAll("button");
            buttons?.[(index + step + tabs.length) % tabs.length]?.focus();
          }}
        >
          {tab.icon ? <span aria-hidden="true">{tab.icon} </span> : null}
          {tab.label}{" "}
          <span className="num events-tab-count">{formatCount(tab.count, i18n.language)}</span>
        </button>
      ))}
    </div>
  );
}
