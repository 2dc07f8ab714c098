import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { session, type TokenAnswer } from "@/shared/session/session";
import { ErrorMessage, Skeleton } from "@/shared/ui";
import { completeOAuth, verifyTwoFactor } from "../api/auth";
import { AuthCard } from "../components/AuthCard";
import { TwoFactorStep } from "../components/TwoFactorStep";
import { isChallenge, isOAuthProvider, isTokenAnswer } from "../model/auth";
import { clearOAuthStart, readOAuthStart } from "../model/oauthStart";

/**
 * Where the provider sends the browser back (ARCHITECTURE §9). The page hands the provider's
 * code and state to the API with a same-origin fetch (the state cookie goes with it) and gets
 * the tokens, or a 2-FA challenge.
 */
export function Component() {
  const { t } = useTranslation("auth");
  const { provider } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const query = {
    code: params.get("code") ?? undefined,
    state: params.get("state") ?? undefined,
    error: params.get("error") ?? undefined,
  };
  // A query, not an effect: the code is single use, and the query runs once even when React
  // mounts the page twice (StrictMode) or re-renders it.
  const landing = useQuery({
    queryKey: ["auth", "oauth-callback", provider, query.state, query.code, query.error],
    queryFn: () => {
      if (!isOAuthProvider(provider)) throw new Error("unknown provider");
      return completeOAuth(provider, query);
    },
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const finish = (answer: TokenAnswer) => {
    const start = readOAuthStart();
    clearOAuthStart();
    session.signedIn(answer, start.rememberMe);
    void navigate(start.next, { replace: true });
  };

  const answer = landing.data;
  useEffect(() => {
    if (isTokenAnswer(answer)) finish(answer);
    // finish reads storage and navigates once per answer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [answer]);

  return (
    <AuthCard title={t("oauth.title")}>
      {landing.isPending ? <Skeleton lines={3} /> : null}
      {landing.isError ? (
        <>
          <ErrorMessage error={landing.error} />
          <Link to="/sign-in" className="btn btn-secondary">
            {t("oauth.backToSignIn")}
          </Link>
        </>
      ) : null}
      {isChallenge(answer) ? (
        <TwoFactorStep
          submit={(code) => verifyTwoFactor(answer.challenge, code)}
          onSignedIn={finish}
          onCancel={() => void navigate("/sign-in", { replace: true })}
        />
      ) : null}
      {isTokenAnswer(answer) ? <p role="status">{t("oauth.signedIn")}</p> : null}
    </AuthCard>
  );
}
