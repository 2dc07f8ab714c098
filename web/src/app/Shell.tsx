/** The frame of every page: header (brand, nav, balance, preferences), content, bet slip. */
import { Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, ScrollRestoration, useMatches } from "react-router";
import { BetSlip } from "@/features/betslip";
import { VerifyEmailPrompt } from "@/features/auth";
import { LiveCount, useLiveStream } from "@/features/live";
import { useAccountPreferences } from "@/features/profile";
import { RealityChecks } from "@/features/responsible-gambling";
import { BalanceBadge } from "@/features/wallet";
import { useSession } from "@/shared/session/session";
import { Skeleton, useOnline } from "@/shared/ui";
import { HeaderPreferences } from "./HeaderPreferences";
import { UserMenu } from "./UserMenu";

interface RouteHandle {
  /** Pages without the bet slip (admin, profile, auth forms) use the full width. */
  wide?: boolean;
}

export function Shell() {
  const { t } = useTranslation();
  const { user } = useSession();
  const online = useOnline();
  const [menuOpen, setMenuOpen] = useState(false);
  const wide = useMatches().some((match) => (match.handle as RouteHandle | undefined)?.wide);
  useLiveStream();
  useAccountPreferences();
  return (
    <>
      {/* A new page opens at its top; back/forward return to where the user was. */}
      <ScrollRestoration />
      <a className="skip-link" href="#content">
        {t("skipToContent")}
      </a>
      <header className="app-header">
        <button
          type="button"
          className="btn btn-ghost menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden="true">☰</span>
          <span className="visually-hidden">{t("nav.menu")}</span>
        </button>
        <Link to="/" className="brand">
          LOOSE<span>LINE</span>
        </Link>
        <nav
          id="main-nav"
          aria-label={t("nav.main")}
          className={`main-nav${menuOpen ? " open" : ""}`}
          onClick={() => setMenuOpen(false)}
        >
          <NavLink to="/" end>
            {t("nav.sports")}
          </NavLink>
          <NavLink to="/live">
            {t("nav.live")} <LiveCount />
          </NavLink>
          {user ? <NavLink to="/bets">{t("nav.myBets")}</NavLink> : null}
          {user ? <NavLink to="/wallet">{t("nav.wallet")}</NavLink> : null}
          {user?.role === "admin" ? <NavLink to="/admin">{t("nav.admin")}</NavLink> : null}
          <UserMenu placement="nav" />
        </nav>
        <div className="header-end">
          {user ? <BalanceBadge /> : null}
          <HeaderPreferences />
          <UserMenu placement="header" />
        </div>
      </header>
      <VerifyEmailPrompt />
      {user ? <RealityChecks /> : null}
      {online ? null : (
        <div className="banner" role="status">
          {t("state.offline")}
        </div>
      )}
      <div className={`layout${wide ? " layout-wide" : ""}`}>
        <main id="content" className="content" tabIndex={-1}>
          <Suspense fallback={<Skeleton lines={6} />}>
            <Outlet />
          </Suspense>
        </main>
        {wide ? null : (
          <aside
            className="slip-column"
            aria-label={t("nav.betSlip", { defaultValue: "Bet slip" })}
          >
            <BetSlip />
          </aside>
        )}
      </div>
    </>
  );
}
