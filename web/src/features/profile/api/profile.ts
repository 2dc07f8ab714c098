/** The profile's calls to the auth service, and the query hooks over them. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, authFetch, unwrap } from "@/shared/api/client";
import { errorFrom } from "@/shared/api/errors";
import type { Preferences } from "@/shared/preferences/preferences";
import { session, type SessionUser } from "@/shared/session/session";

export const profileKeys = {
  sessions: ["profile", "sessions"] as const,
};

export interface ProfileChange {
  name?: string;
  telegram_id?: number | null;
  preferences?: Partial<Preferences>;
}

/** The user the API answered with, kept as the session's user (the header follows). */
function keep(user: SessionUser): SessionUser {
  const current = session.get().user;
  if (current && current.id === user.id) session.userChanged(user);
  return user;
}

export async function updateProfile(change: ProfileChange): Promise<SessionUser> {
  const answer = await unwrap(api.PUT("/api/auth/user", { body: change }));
  return keep(answer.user);
}

/** multipart/form-data: the typed client only sends JSON bodies. */
export async function uploadAvatar(file: File): Promise<SessionUser> {
  const form = new FormData();
  form.append("avatar", file);
  const response = await authFetch(new Request("/api/auth/user", { method: "PUT", body: form }));
  if (!response.ok) throw await errorFrom(response);
  const answer = (await response.json()) as { user: SessionUser };
  return keep(answer.user);
}

export async function changePassword(current_password: string, new_password: string) {
  return unwrap(
    api.POST("/api/auth/change-password", { body: { current_password, new_password } }),
  );
}

export async function setUpTwoFactor(password: string) {
  return unwrap(api.POST("/api/auth/2fa/setup", { body: { password } }));
}

export async function enableTwoFactor(code: string, password: string) {
  return unwrap(api.POST("/api/auth/2fa/enable", { body: { code, password } }));
}

export async function disableTwoFactor(code: string, password: string) {
  return unwrap(api.POST("/api/auth/2fa/disable", { body: { code, password } }));
}

/** Only the two-factor flag changed: the session's user follows without a reload. */
export function twoFactorChanged(enabled: boolean): void {
  const user = session.get().user;
  if (user) session.userChanged({ ...user, two_factor_enabled: enabled });
}

export function useSessions() {
  return useQuery({
    queryKey: profileKeys.sessions,
    queryFn: async () => (await unwrap(api.GET("/api/auth/sessions"))).sessions,
  });
}

export function useEndSessions() {
  const client = useQueryClient();
  return useMutation({
    // One call per session: there is no "all but this one" endpoint.
    mutationFn: async (ids: string[]) => {
      for (const id of ids) {
        await unwrap(
          api.DELETE("/api/auth/sessions/{session_id}", { params: { path: { session_id: id } } }),
        );
      }
    },
    onSettled: () => client.invalidateQueries({ queryKey: profileKeys.sessions }),
  });
}
